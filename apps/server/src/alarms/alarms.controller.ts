import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { BadInputError, NotFoundError } from '@rescue/common';
import { FleetRepository, UnitAlarmsRepository } from '@rescue/persistence';
import { type AlarmView, alarmView } from './alarm-feed';

function limitOf(q: unknown): number {
  if (q === undefined) return 100;
  const n = Number(q);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new BadInputError(`limit: expected an integer 1-1000, got ${String(q).slice(0, 40)}`);
  return n;
}

function activeOf(q: unknown): boolean {
  if (q === undefined || q === 'false') return false;
  if (q === 'true') return true;
  throw new BadInputError(`active: expected true or false, got ${String(q).slice(0, 40)}`);
}

/** Terminal alarms (JT/T 808 alarm flags) as unit events: 紧急报警, 超速, 疲劳驾驶, 主电源掉电, GNSS天线… */
@ApiTags('fleet')
@Controller()
export class AlarmsController {
  constructor(
    @Inject(UnitAlarmsRepository) private readonly alarms: UnitAlarmsRepository,
    @Inject(FleetRepository) private readonly fleet: FleetRepository,
  ) {}

  @Get('alarms')
  @ApiOperation({ summary: 'Open alarms of the whole fleet (raised by a terminal report with the bit, not yet cleared), newest first' })
  async active(): Promise<{ alarms: AlarmView[] }> {
    return { alarms: (await this.alarms.active()).map(alarmView) };
  }

  @Get('units/:id/alarms')
  @ApiOperation({ summary: "A unit's alarm episodes, newest first: raised by the first report with the bit, cleared by the first later report without it" })
  @ApiParam({ name: 'id', description: 'unit id' })
  @ApiQuery({ name: 'active', required: false, description: 'true: only the open ones' })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  async forUnit(@Param('id') id: string, @Query('active') activeQ: unknown, @Query('limit') limitQ: unknown): Promise<{ unitId: string; alarms: AlarmView[] }> {
    const activeOnly = activeOf(activeQ);
    const limit = limitOf(limitQ);
    if (!(await this.fleet.unitExists(id))) throw new NotFoundError(`unknown unit ${id}`);
    return { unitId: id, alarms: (await this.alarms.forUnit(id, { activeOnly, limit })).map(alarmView) };
  }
}
