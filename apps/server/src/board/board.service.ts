import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { asyncScheduler, concat, defer, exhaustMap, filter, from, interval, map, merge, Observable, share, Subject, throttleTime } from 'rxjs';
import type { AppConfig } from '@rescue/config';
import {
  distanceToLineM, type HospitalExclusion, orderWaitingCalls, rankHospitals, type TaskAlert, taskAlerts, taskLeg, type TaskTimers, taskTimers,
} from '@rescue/dispatch';
import { LiveFleet, type UnitView } from '@rescue/fleet';
import { type BoardTaskRow, CallRepository, type CallRow, RegistryRepository } from '@rescue/persistence';
import type { HospitalRecord } from '@rescue/registry';
import { type LineString, oneToMany, reachTime, route, RoutingError, type SnappedPoint } from '@rescue/routing';
import { APP_CONFIG } from '../config.module';
import { ROOT_LOGGER } from '../logging/root-logger';
import { RoutingService } from '../routing/routing.service';

/** A waiting call as the board shows it. */
export interface BoardCall extends CallRow {
  waitingS: number;
}

/** An active task with its unit's live state, road times, clocks and alerts. */
export interface BoardTask extends BoardTaskRow {
  unit: UnitView | null;
  /** Where the unit is heading in this step. */
  leg: 'to_scene' | 'to_hospital' | null;
  /** Road time from the unit's live position to the scene (while it heads there). */
  etaToSceneS: number | null;
  /** Road time to the receiving hospital: from the unit once the patient is on board, else via the scene (without the time on scene). */
  etaToHospitalS: number | null;
  etaToHospitalViaScene: boolean;
  /** Metres from the unit to the road it was planned to take on this leg. */
  offRouteM: number | null;
  timers: TaskTimers;
  alerts: TaskAlert[];
}

export interface Board {
  ts: number;
  staleAfterS: number;
  pendingCalls: BoardCall[];
  activeTasks: BoardTask[];
}

/** What a receiving hospital is told of a patient on the way (院前院内衔接): no scene address, no caller. */
export interface PreArrivalNotice {
  taskId: string;
  unitId: string;
  unitName: string | null;
  status: string | null;
  priority: number;
  chiefComplaint: string | null;
  requiredCapabilities: string[];
  orderedAt: number;
  etaToHospitalS: number | null;
  etaToHospitalViaScene: boolean;
  position: { lat: number; lon: number; ts: number } | null;
  stale: boolean;
  arrivedAt: number | null;
}

export interface RankedHospitals {
  scene: { lat: number; lon: number };
  capabilities: string[];
  hospitals: Array<HospitalRecord & { etaS: number }>;
  excluded: Array<HospitalExclusion & { name: string }>;
}

/** Road times looked up again only when the unit's fix moved on (bounded). */
const ETA_CACHE_MAX = 5_000;
/** The board is recomputed at most this often however fast units report. */
const BOARD_MIN_INTERVAL_MS = 1_000;
/** ... and at least this often, so clocks and staleness move with no event. */
const BOARD_TICK_MS = 5_000;

/**
 * The dispatcher's board (issue 14): waiting calls in the order the rules give, active tasks with live
 * ETAs, clocks and alerts, receiving hospitals ranked by road time from the scene, and the pre-arrival
 * notice a hospital sees. The rules are in libs/dispatch/board.ts; this gathers the facts.
 */
@Injectable()
export class BoardService {
  private readonly log: Logger;
  private readonly touched = new Subject<void>();
  private readonly etas = new Map<string, number | null>();
  /** The planned road of a task's current leg, from where the unit was when first seen on it. */
  private readonly plans = new Map<string, LineString | null>();
  private boardUnits = new Set<string>();
  private readonly shared: Observable<Board>;

  constructor(
    private readonly calls: CallRepository,
    private readonly registry: RegistryRepository,
    private readonly fleet: LiveFleet,
    private readonly routing: RoutingService,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'board' });
    const unitMoves = this.fleet.changes.pipe(filter((u) => u.taskId !== null || this.boardUnits.has(u.unitId)));
    // One computation shared by every open stream, only while one is open.
    this.shared = merge(this.touched, unitMoves, interval(BOARD_TICK_MS)).pipe(
      throttleTime(BOARD_MIN_INTERVAL_MS, asyncScheduler, { leading: true, trailing: true }),
      exhaustMap(() => from(this.safeBoard())),
      filter((b): b is Board => b !== null),
      share(),
    );
  }

  /** A call or task changed through the API: open boards update now. */
  touch(): void {
    this.touched.next();
  }

  /** The board now, then each time it may have changed. */
  stream(): Observable<Board> {
    return concat(defer(() => from(this.board())), this.shared);
  }

  /** One hospital's notices now, then as they change. */
  notices(hospitalId: string): Observable<PreArrivalNotice[]> {
    return this.stream().pipe(map((b) => this.noticesOf(b, hospitalId)));
  }

  async board(now = Date.now()): Promise<Board> {
    const [pending, tasks] = await Promise.all([this.calls.pending(), this.calls.activeTasks()]);
    const activeTasks = tasks.map((t) => this.taskView(t, now));
    this.boardUnits = new Set(tasks.map((t) => t.unitId));
    this.forgetPlans(new Set(activeTasks.map((t) => t.taskId)));
    return {
      ts: now,
      staleAfterS: this.cfg.staleAfterS,
      pendingCalls: orderWaitingCalls(pending).map((c) => ({ ...c, waitingS: Math.max(0, (now - c.answeredAt) / 1000) })),
      activeTasks,
    };
  }

  async hospitalNotices(hospitalId: string, now = Date.now()): Promise<PreArrivalNotice[]> {
    const tasks = await this.calls.activeTasks(hospitalId);
    return this.noticesOf({ ts: now, staleAfterS: this.cfg.staleAfterS, pendingCalls: [], activeTasks: tasks.map((t) => this.taskView(t, now)) }, hospitalId);
  }

  /** Hospitals of the registry with every centre asked for, nearest by road from the scene first. */
  async rankHospitals(scene: { lat: number; lon: number }, capabilities: string[]): Promise<RankedHospitals> {
    const all = (await this.registry.list('hospitals')) as HospitalRecord[];
    const g = this.routing.graph;
    let reach: ReturnType<typeof oneToMany> | null = null;
    try {
      reach = oneToMany(g, this.routing.snap(scene.lat, scene.lon), { maxTimeS: 3 * 3600 });
    } catch (e) {
      if (!(e instanceof RoutingError)) throw e;
    }
    const withEta = all.map((h) => {
      let etaS: number | null = null;
      if (reach) {
        const p = this.snapOrNull(h.lat, h.lon);
        const t = p ? reachTime(g, reach, p) : Infinity;
        etaS = Number.isFinite(t) ? t : null;
      }
      return { ...h, etaS };
    });
    const r = rankHospitals(withEta, capabilities);
    const names = new Map(all.map((h) => [h.id, h.name]));
    return { scene, capabilities, hospitals: r.ranked, excluded: r.excluded.map((x) => ({ ...x, name: names.get(x.id) ?? x.id })) };
  }

  /** Road seconds from the unit's live position to a place (null: no fix, or no road). */
  unitEtaTo(unitId: string, target: { lat: number; lon: number }): number | null {
    const fix = this.fleet.view(unitId, Date.now(), this.cfg.staleAfterS)?.lastFix;
    return fix ? this.roadTime(`u:${unitId}:${fix.ts}`, fix, target) : null;
  }

  private async safeBoard(): Promise<Board | null> {
    try {
      return await this.board();
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'board refresh failed');
      return null;
    }
  }

  private noticesOf(b: Board, hospitalId: string): PreArrivalNotice[] {
    return b.activeTasks
      .filter((t) => t.hospital?.id === hospitalId)
      .map((t) => ({
        taskId: t.taskId, unitId: t.unitId, unitName: t.unit?.name ?? null, status: t.unit?.status ?? null, priority: t.priority,
        chiefComplaint: t.chiefComplaint, requiredCapabilities: t.requiredCapabilities, orderedAt: t.orderReceivedAt,
        etaToHospitalS: t.etaToHospitalS, etaToHospitalViaScene: t.etaToHospitalViaScene,
        position: t.unit?.lastFix ? { lat: t.unit.lastFix.lat, lon: t.unit.lastFix.lon, ts: t.unit.lastFix.ts } : null,
        stale: t.unit?.stale ?? true, arrivedAt: t.atHospitalAt,
      }));
  }

  private taskView(t: BoardTaskRow, now: number): BoardTask {
    const unit = this.fleet.view(t.unitId, now, this.cfg.staleAfterS);
    const leg = taskLeg(unit?.status ?? null);
    const fix = unit?.lastFix ?? null;
    const scene = t.incident;
    const etaToSceneS = leg === 'to_scene' && fix ? this.roadTime(`u:${t.unitId}:${fix.ts}`, fix, scene) : null;
    let etaToHospitalS: number | null = null;
    let viaScene = false;
    if (t.hospital) {
      if (leg === 'to_hospital' && fix) etaToHospitalS = this.roadTime(`u:${t.unitId}:${fix.ts}`, fix, t.hospital);
      else if (leg === 'to_scene' || unit?.status === 'on_scene') {
        const sceneToHospital = this.roadTime(`s:${t.taskId}`, scene, t.hospital);
        viaScene = true;
        etaToHospitalS = sceneToHospital === null ? null : (etaToSceneS ?? 0) + sceneToHospital;
      } else if (unit?.status === 'at_hospital') etaToHospitalS = 0;
    }
    let offRouteM: number | null = null;
    const target = leg === 'to_scene' ? scene : leg === 'to_hospital' ? t.hospital : null;
    if (leg && target && fix) {
      const key = `${t.taskId}:${leg}`;
      if (!this.plans.has(key)) this.plans.set(key, this.plannedRoad(fix, target));
      const plan = this.plans.get(key);
      if (plan) offRouteM = distanceToLineM(fix.lat, fix.lon, plan.coordinates);
    }
    const timers = taskTimers({ callTakenAt: t.callTakenAt, orderedAt: t.orderReceivedAt, departedAt: t.departedAt }, now);
    const alerts = taskAlerts(timers, { status: unit?.status ?? null, online: unit?.online ?? false, stale: unit?.stale ?? true, offRouteM });
    return { ...t, unit, leg, etaToSceneS, etaToHospitalS, etaToHospitalViaScene: viaScene, offRouteM, timers, alerts };
  }

  private forgetPlans(active: Set<string>): void {
    for (const k of this.plans.keys()) if (!active.has(k.slice(0, k.lastIndexOf(':')))) this.plans.delete(k);
  }

  private snapOrNull(lat: number, lon: number): SnappedPoint | null {
    try {
      return this.routing.snap(lat, lon);
    } catch (e) {
      if (e instanceof RoutingError) return null;
      throw e;
    }
  }

  private plannedRoad(a: { lat: number; lon: number }, b: { lat: number; lon: number }): LineString | null {
    const pa = this.snapOrNull(a.lat, a.lon);
    const pb = this.snapOrNull(b.lat, b.lon);
    if (!pa || !pb) return null;
    try {
      return route(this.routing.graph, pa, pb).geometry;
    } catch (e) {
      if (e instanceof RoutingError) return null;
      throw e;
    }
  }

  /** Road seconds a → b, cached under `key` (a unit's fix, or a task's scene) and b. */
  private roadTime(key: string, a: { lat: number; lon: number }, b: { lat: number; lon: number }): number | null {
    const k = `${key}→${b.lat},${b.lon}`;
    if (this.etas.has(k)) return this.etas.get(k)!;
    const pa = this.snapOrNull(a.lat, a.lon);
    const pb = this.snapOrNull(b.lat, b.lon);
    let s: number | null = null;
    if (pa && pb) {
      try {
        s = route(this.routing.graph, pa, pb).durationS;
      } catch (e) {
        if (!(e instanceof RoutingError)) throw e;
      }
    }
    if (this.etas.size >= ETA_CACHE_MAX) this.etas.clear();
    this.etas.set(k, s);
    return s;
  }
}
