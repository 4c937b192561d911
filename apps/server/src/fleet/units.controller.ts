import { Controller, Get, Inject, MessageEvent, Optional, Param, Query, Req, Sse } from '@nestjs/common';
import type { Request } from 'express';
import { concat, interval, map, merge, Observable, of } from 'rxjs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '@rescue/common';
import type { AppConfig } from '@rescue/config';
import { LiveFleet, UnitView } from '@rescue/fleet';
import { AuditRepository, FleetRepository } from '@rescue/persistence';
import { AlarmFeed } from '../alarms/alarm-feed';
import { APP_CONFIG } from '../config.module';
import { AllowQueryToken, type ApiCaller, auditActor, Caller } from '../security/access.decorators';
import { latestPerKeyWhenBackedUp } from './latest-per-key';
import { SseLimits } from './sse-limits';
import { parseTrackQuery } from './track-query';

/** A track replay returns at most this many fixes; ask for a shorter range for more detail. */
export const TRACK_MAX_POINTS = 20_000;

@ApiTags('fleet')
@Controller('units')
export class UnitsController {
  constructor(
    private readonly fleet: LiveFleet,
    private readonly repo: FleetRepository,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    @Inject(SseLimits) private readonly sse: SseLimits,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Optional() @Inject(AlarmFeed) private readonly alarms: AlarmFeed | null = null,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every unit: last fix and its age, status, task, online, stale' })
  list(): { units: UnitView[]; staleAfterS: number } {
    return { units: this.fleet.list(Date.now(), this.cfg.staleAfterS), staleAfterS: this.cfg.staleAfterS };
  }

  /**
   * Server-sent events for consoles: first every unit, then each unit as it changes (after its data is
   * committed), and a heartbeat every 15 s so proxies keep the stream open and stale flags refresh.
   */
  @Sse('stream')
  @AllowQueryToken()
  @ApiOperation({ summary: 'SSE stream of unit changes (event "unit"), starting with a snapshot of every unit, and terminal alarms raised or cleared (event "alarm"); 503 beyond SSE_MAX_CLIENTS streams, 429 beyond SSE_MAX_CLIENTS_PER_KEY streams of one API key' })
  stream(@Req() req: Request, @Caller() caller: ApiCaller): Observable<MessageEvent> {
    const view = (unitId: string) => this.fleet.view(unitId, Date.now(), this.cfg.staleAfterS);
    const snapshot = of(...this.fleet.list(Date.now(), this.cfg.staleAfterS)).pipe(map((u): MessageEvent => ({ type: 'unit', data: u })));
    const changes = this.fleet.changes.pipe(map((u): MessageEvent => ({ type: 'unit', data: view(u.unitId) ?? u })));
    const heartbeat = interval(15_000).pipe(map((): MessageEvent => ({ type: 'heartbeat', data: { ts: Date.now() } })));
    const alarms = this.alarms ? this.alarms.changes.pipe(map((a): MessageEvent => ({ type: 'alarm', data: a }))) : of<MessageEvent>();
    const events = concat(snapshot, merge(changes, alarms, heartbeat));
    // Bounded for a client that stops reading: latest event per unit (and per alarm) only, disconnected after SSE_STALL_TIMEOUT_S.
    const key = (e: MessageEvent): string =>
      e.type === 'unit' ? (e.data as UnitView).unitId : e.type === 'alarm' ? `alarm:${(e.data as { id: number }).id}` : String(e.type);
    return this.sse.admit(caller.name, latestPerKeyWhenBackedUp(events, key, req.res!, this.sse.stallMs, () => this.sse.stalled()));
  }

  @Get(':id/track')
  @ApiOperation({ summary: 'Stored fixes of one unit as a GeoJSON LineString feature (track replay)' })
  @ApiParam({ name: 'id', description: 'unit id' })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601 or epoch ms; default: one hour before `to`' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601 or epoch ms; default: now' })
  @ApiOkResponse({ description: `GeoJSON Feature<LineString> with per-point times; at most ${TRACK_MAX_POINTS} points` })
  async track(@Param('id') id: string, @Query('from') fromQ: unknown, @Query('to') toQ: unknown, @Caller() caller: ApiCaller) {
    const { from, to } = parseTrackQuery(id, fromQ, toQ, Date.now());
    if (!(await this.repo.unitExists(id))) throw new NotFoundError(`unknown unit ${id}`);
    const points = await this.repo.track(id, from, to, TRACK_MAX_POINTS + 1);
    const truncated = points.length > TRACK_MAX_POINTS;
    if (truncated) points.length = TRACK_MAX_POINTS;
    // Where a crew (and its patient) went is personal data: who replayed it is on the trail.
    await this.audit.append({ actor: auditActor(caller), action: 'read.track', subject: `unit:${id}`, detail: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), count: points.length } });
    const coordinates = points.map((p) => [p.lon, p.lat]);
    return {
      type: 'Feature',
      // A LineString needs two positions: one fix is a Point, none is no geometry.
      geometry: coordinates.length >= 2 ? { type: 'LineString', coordinates } : coordinates.length === 1 ? { type: 'Point', coordinates: coordinates[0] } : null,
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
