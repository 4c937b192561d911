import { Body, Controller, Delete, Get, HttpCode, Inject, MessageEvent, Param, Put, Query, Req, Sse } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { from, map, mergeMap, Observable } from 'rxjs';
import { BadInputError, NotFoundError } from '@rescue/common';
import { DispatchError } from '@rescue/dispatch';
import { CallRepository, RegistryRepository } from '@rescue/persistence';
import { SseLimits } from '../fleet/sse-limits';
import { AllowQueryToken, type ApiCaller, auditActor, Caller, Roles } from '../security/access.decorators';
import { boundedStream } from './board.controller';
import { HospitalAccessDto } from './board.dto';
import { BoardService, type PreArrivalNotice } from './board.service';

const PRINCIPAL = /^(key|user):[A-Za-z0-9_.@-]{1,64}$/;

/**
 * The receiving hospital's side (院前院内衔接): a caller of role `hospital`, bound to one hospital by an
 * admin, sees the pre-arrival notices of the tasks sent there (unit, status, acuity, chief complaint,
 * live ETA) and nothing else. An admin may look at any hospital's with ?hospitalId=.
 */
@ApiTags('hospital')
@Controller()
export class HospitalController {
  constructor(
    @Inject(BoardService) private readonly board: BoardService,
    @Inject(SseLimits) private readonly sse: SseLimits,
    @Inject(CallRepository) private readonly calls: CallRepository,
    @Inject(RegistryRepository) private readonly registry: RegistryRepository,
  ) {}

  @Roles('hospital')
  @Get('hospital/notices')
  @ApiOperation({ summary: 'Pre-arrival notices of the caller\'s hospital: active tasks sent there with the unit\'s live ETA' })
  @ApiQuery({ name: 'hospitalId', required: false, description: 'admin only' })
  async notices(@Caller() caller: ApiCaller, @Query('hospitalId') hospitalId?: string): Promise<{ hospitalId: string; notices: PreArrivalNotice[] }> {
    const id = await this.hospitalOf(caller, hospitalId);
    return { hospitalId: id, notices: await this.board.hospitalNotices(id) };
  }

  @Roles('hospital')
  @Sse('hospital/stream')
  @AllowQueryToken()
  @ApiOperation({ summary: 'SSE: event "notices" with the hospital\'s pre-arrival notices now and on every change; "heartbeat" every 15 s' })
  @ApiQuery({ name: 'hospitalId', required: false, description: 'admin only' })
  stream(@Req() req: Request, @Caller() caller: ApiCaller, @Query('hospitalId') hospitalId?: string): Observable<MessageEvent> {
    const notices = from(this.hospitalOf(caller, hospitalId)).pipe(
      mergeMap((id) => this.board.notices(id).pipe(map((n): MessageEvent => ({ type: 'notices', data: { hospitalId: id, notices: n } })))),
    );
    return boundedStream(this.sse, caller, req, notices);
  }

  @Roles('hospital')
  @Get('hospital/me')
  @ApiOperation({ summary: 'The hospital the caller speaks for (id, name, centres)' })
  async me(@Caller() caller: ApiCaller, @Query('hospitalId') hospitalId?: string) {
    const id = await this.hospitalOf(caller, hospitalId);
    const h = (await this.registry.list('hospitals')).find((x) => x.id === id);
    return h ?? { id };
  }

  @Roles('admin')
  @Get('admin/hospital-access')
  @ApiOperation({ summary: 'Which API key or account (key:<name>, user:<username>) speaks for which hospital' })
  async access() {
    return { access: await this.calls.hospitalAccess() };
  }

  @Roles('admin')
  @Put('admin/hospital-access/:principal')
  @ApiOperation({ summary: 'Bind an API key or account of role hospital (key:<name> or user:<username>) to a hospital of the registry; audited' })
  async grant(@Param('principal') principal: string, @Body() body: HospitalAccessDto, @Caller() caller: ApiCaller) {
    if (!PRINCIPAL.test(principal)) throw new BadInputError('principal: key:<api key name> or user:<username>');
    const known = (await this.registry.list('hospitals')).some((h) => h.id === body.hospitalId);
    if (!known) throw new DispatchError('HOSPITAL_NOT_FOUND', `unknown hospital ${body.hospitalId}`);
    await this.calls.grantHospital(principal, body.hospitalId, auditActor(caller));
    return { principal, hospitalId: body.hospitalId };
  }

  @Roles('admin')
  @Delete('admin/hospital-access/:principal')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unbind; the caller then sees no hospital\'s notices' })
  async revoke(@Param('principal') principal: string, @Caller() caller: ApiCaller): Promise<void> {
    if (!(await this.calls.revokeHospital(principal, auditActor(caller)))) throw new NotFoundError(`${principal} is bound to no hospital`);
  }

  /** The caller's own hospital; an admin names one. A hospital caller never reaches another's. */
  private async hospitalOf(caller: ApiCaller, asked: string | undefined): Promise<string> {
    if (caller.role === 'admin') {
      if (!asked) throw new BadInputError('an admin names the hospital: ?hospitalId=');
      return asked;
    }
    const id = await this.calls.hospitalOf(auditActor(caller));
    if (!id) throw new DispatchError('NO_HOSPITAL_ACCESS', `${auditActor(caller)} is bound to no hospital (an admin binds it: PUT /admin/hospital-access/${auditActor(caller)})`);
    return id;
  }
}
