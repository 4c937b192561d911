import { BadRequestException, Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AppConfig } from '@rescue/config';
import { LiveFleet, UnitView } from '@rescue/fleet';
import { FleetRepository } from '@rescue/persistence';
import { APP_CONFIG } from '../config.module';

const UNIT_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A track replay returns at most this many fixes; ask for a shorter range for more detail. */
export const TRACK_MAX_POINTS = 20_000;
const DEFAULT_TRACK_WINDOW_MS = 3600_000;

@ApiTags('fleet')
@Controller('units')
export class UnitsController {
  constructor(
    private readonly fleet: LiveFleet,
    private readonly repo: FleetRepository,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every unit: last fix and its age, status, task, online, stale' })
  list(): { units: UnitView[]; staleAfterS: number } {
    return { units: this.fleet.list(Date.now(), this.cfg.staleAfterS), staleAfterS: this.cfg.staleAfterS };
  }

  @Get(':id/track')
  @ApiOperation({ summary: 'Stored fixes of one unit as a GeoJSON LineString feature (track replay)' })
  @ApiParam({ name: 'id', description: 'unit id' })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601 or epoch ms; default: one hour before `to`' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601 or epoch ms; default: now' })
  @ApiOkResponse({ description: `GeoJSON Feature<LineString> with per-point times; at most ${TRACK_MAX_POINTS} points` })
  async track(@Param('id') id: string, @Query('from') fromQ?: string, @Query('to') toQ?: string) {
    if (!UNIT_ID.test(id)) throw new BadRequestException(`unit id must match ${UNIT_ID}`);
    const to = fromQ === undefined && toQ === undefined ? Date.now() : parseTime('to', toQ, Date.now());
    const from = parseTime('from', fromQ, to - DEFAULT_TRACK_WINDOW_MS);
    if (from >= to) throw new BadRequestException('`from` must be before `to`');
    if (!(await this.repo.unitExists(id))) throw new NotFoundException(`unknown unit ${id}`);
    const points = await this.repo.track(id, from, to, TRACK_MAX_POINTS + 1);
    const truncated = points.length > TRACK_MAX_POINTS;
    if (truncated) points.length = TRACK_MAX_POINTS;
    return {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: points.map((p) => [p.lon, p.lat]) },
      properties: {
        unitId: id,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        count: points.length,
        truncated,
        times: points.map((p) => new Date(p.ts).toISOString()),
        speedsKmh: points.map((p) => p.speedKmh),
      },
    };
  }
}

function parseTime(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const t = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(t)) throw new BadRequestException(`\`${name}\` is not a time: ${raw}`);
  return t;
}
