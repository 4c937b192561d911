import { Body, Controller, Get, Inject, MessageEvent, Param, Put, Query, Req, Sse } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { map, merge, interval, Observable } from 'rxjs';
import { BadInputError } from '@rescue/common';
import { DispatchError } from '@rescue/dispatch';
import { CallRepository, RegistryRepository, TaskRepository } from '@rescue/persistence';
import type { HospitalRecord } from '@rescue/registry';
import { hospitalAssignedEvent } from '@rescue/webhooks';
import { toWgs84 } from '../dispatch/dispatch-input';
import { latestPerKeyWhenBackedUp } from '../fleet/latest-per-key';
import { SseLimits } from '../fleet/sse-limits';
import { AllowQueryToken, type ApiCaller, auditActor, Caller, Roles } from '../security/access.decorators';
import { ChooseHospitalDto, HOSPITAL_CAPABILITY_CODES, HospitalQueryDto } from './board.dto';
import { type Board, BoardService, type RankedHospitals } from './board.service';

/** Heartbeats keep proxies from closing a quiet stream. */
export const HEARTBEAT_MS = 15_000;

/** Server-sent events, bounded like the units stream: latest per kind while the client lags, closed after a stall. */
export function boundedStream(sse: SseLimits, caller: ApiCaller, req: Request, events: Observable<MessageEvent>): Observable<MessageEvent> {
  const heartbeat = interval(HEARTBEAT_MS).pipe(map((): MessageEvent => ({ type: 'heartbeat', data: { ts: Date.now() } })));
  return sse.admit(caller.name, latestPerKeyWhenBackedUp(merge(events, heartbeat), (e) => String(e.type), req.res!, sse.stallMs, () => sse.stalled()));
}

export function capabilityList(raw: string | undefined): string[] {
  const caps = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = caps.filter((c) => !HOSPITAL_CAPABILITY_CODES.includes(c));
  if (unknown.length) throw new BadInputError(`unknown hospital capability ${unknown.join(', ')}: one of ${HOSPITAL_CAPABILITY_CODES.join(', ')}`);
  return caps;
}

/**
 * The task board (issue 14): waiting calls by priority and waiting time, active tasks with their unit's
 * live status, ETA, clocks and alerts (GET /board, and live over SSE); the receiving hospital, ranked by
 * road time from the scene and stored on the task. Status changes go through POST /tasks/:id/events.
 */
@ApiTags('board')
@Controller()
export class BoardController {
  constructor(
    @Inject(BoardService) private readonly board: BoardService,
    @Inject(SseLimits) private readonly sse: SseLimits,
    @Inject(CallRepository) private readonly calls: CallRepository,
    @Inject(TaskRepository) private readonly tasks: TaskRepository,
    @Inject(RegistryRepository) private readonly registry: RegistryRepository,
  ) {}

  @Get('board')
  @ApiOperation({ summary: 'Waiting calls (most urgent, then longest waiting, first) and active tasks with live unit, ETAs, timers (call→dispatch, order→departure) and alerts (departure_late, unit_stale, unit_offline, off_route)' })
  now(): Promise<Board> {
    return this.board.board();
  }

  @Sse('board/stream')
  @AllowQueryToken()
  @ApiOperation({ summary: 'SSE: event "board" with the whole board now, then on every change (at most once a second, at least every 5 s); "heartbeat" every 15 s' })
  stream(@Req() req: Request, @Caller() caller: ApiCaller): Observable<MessageEvent> {
    return boundedStream(this.sse, caller, req, this.board.stream().pipe(map((b): MessageEvent => ({ type: 'board', data: b }))));
  }

  @Get('board/hospitals')
  @ApiOperation({ summary: 'Receiving hospitals of the registry with every centre asked for, ranked by road ETA from the scene; the others with the reason' })
  hospitals(@Query() q: HospitalQueryDto): Promise<RankedHospitals> {
    const p = toWgs84({ lat: q.lat, lon: q.lon, crs: q.crs });
    return this.board.rankHospitals({ lat: p.lat, lon: p.lon }, capabilityList(q.capabilities));
  }

  @Roles('dispatcher')
  @Put('tasks/:id/hospital')
  @ApiOperation({ summary: 'Choose the receiving hospital of an active task (the hospital then sees the pre-arrival notice)' })
  async chooseHospital(@Param('id') id: string, @Body() body: ChooseHospitalDto, @Caller() caller: ApiCaller) {
    const hospitals = (await this.registry.list('hospitals')) as HospitalRecord[];
    const h = hospitals.find((x) => x.id === body.hospitalId);
    if (!h) throw new DispatchError('HOSPITAL_NOT_FOUND', `unknown hospital ${body.hospitalId}`);
    const now = Date.now();
    // Out by webhook in the same transaction (docs/webhooks.asyncapi.yaml TaskHospitalAssigned; a
    // hospital's receiver filters on hospitalId), with the unit's road ETA to it at this moment.
    const r = await this.calls.chooseHospital(id, h, now, auditActor(caller), (t) => [hospitalAssignedEvent({
      taskId: id, hospitalId: h.id, hospitalName: h.name, unitId: t.unitId, etaS: t.unitId ? this.board.unitEtaTo(t.unitId, h) : null,
      ts: now, previousHospitalId: t.previous,
    })]);
    if (!r) {
      const task = await this.tasks.task(id);
      if (!task) throw new DispatchError('TASK_NOT_FOUND', `unknown task ${id}`);
      throw new DispatchError('TASK_ENDED', `task ${id} is ${task.state}`, { state: task.state });
    }
    this.board.touch();
    return { taskId: id, hospitalId: h.id, hospitalName: h.name, previous: r.previous };
  }
}
