import { seededRandom } from '@rescue/common';
import type { Logger } from 'pino';
import type { Subscription } from 'rxjs';
import { isUnitStatus, NOT_AVAILABLE, type UnitStatus } from '@rescue/contracts';
import { TASK_ENDINGS } from '@rescue/dispatch';
import type { LiveFleet, LiveUnit } from '@rescue/fleet';
import type { StationRow } from '@rescue/persistence';
import type { DemoUnit } from './demo-fleet';
import type { Place, TripPlanner } from './trip-planner';
import { slicesFor, StaggeredRounds } from './staggered-rounds';
import type { TerminalLink } from './terminal-links';
import { DEFAULT_TIMES, type ScriptTimes, UnitScript } from './unit-script';

/** The incident of a task, WGS-84 (what a terminal receives with its order). */
export type TaskLookup = (taskId: string) => Promise<Place | null>;

/** MQTT username/password a simulated terminal connects with (null: none). */
export type SimulatorCredentials = (unitId: string) => { username: string; password: string } | null;

/**
 * Opens a unit's link to the platform (MQTT, or a JT/T 808 terminal beside the crew's MQTT tablet);
 * `onOrder` is called for each dispatch order the terminal received and acknowledged.
 */
export type LinkFactory = (unit: DemoUnit, onOrder: (taskId: string) => void) => TerminalLink;

export interface RoadSimulatorOptions {
  /** Wall milliseconds between fixes (a terminal reports every second). */
  intervalMs: number;
  /** Simulated seconds per wall second. */
  speedup: number;
  /** Fixes may imply at most this speed (km/h) between them: below the ingest jump filter. */
  maxImpliedKmh: number;
  seed: number;
  times: ScriptTimes;
  /** Staleness limit for reading the live view (only the status is used). */
  staleAfterS: number;
}

interface SimUnit {
  unit: DemoUnit;
  link: TerminalLink;
  script: UnitScript;
  /** When the unit was last stepped (epoch ms): each unit keeps its own time, the fleet is stepped in slices. */
  lastStepAt: number;
  lastFixTs: number;
  lastStatusTs: number;
  /** A task whose incident is being fetched (at most one per unit). */
  fetching: string | null;
}


/**
 * Demo terminals on the road network. Each unit connects like a real terminal: over MQTT (own client,
 * Last Will "offline"), or as a JT/T 808 terminal on TCP to the gateway (terminal-links.ts). It reports
 * presence and status, acknowledges its dispatch orders on its own protocol, and sends a fix every second while its UnitScript
 * drives it: standby patrols when idle; on an assignment (seen in the live fleet as order_received with
 * a task) turnout → en route → on scene → patient loaded → nearest hospital → task complete →
 * returning → back at station → available. Statuses go over MQTT like a terminal's, so they pass the
 * same checked lifecycle as real ones.
 */
export class RoadSimulator {
  private readonly sims = new Map<string, SimUnit>();
  private timer: NodeJS.Timeout | null = null;
  private sub: Subscription | null = null;
  private rounds: StaggeredRounds<SimUnit> | null = null;
  private stopped = false;

  constructor(
    private readonly links: LinkFactory,
    private readonly stations: StationRow[],
    private readonly hospitals: Place[],
    private readonly units: DemoUnit[],
    private readonly planner: TripPlanner,
    private readonly live: LiveFleet,
    private readonly lookup: TaskLookup,
    private readonly log: Logger,
    private readonly opts: RoadSimulatorOptions,
  ) {}

  static defaults(o: Partial<RoadSimulatorOptions> = {}): RoadSimulatorOptions {
    return { intervalMs: 1000, speedup: 10, maxImpliedKmh: 200, seed: 120, times: DEFAULT_TIMES, staleAfterS: 120, ...o };
  }

  /**
   * Connects the terminals and starts driving. Does not wait for the broker: a terminal whose broker
   * is away drives on, drops its fixes and sends its statuses when it gets through (like a real one).
   */
  async start(): Promise<void> {
    const rand = seededRandom(this.opts.seed);
    const homes = this.parkingSpots();
    for (const unit of this.units) {
      const home = homes.get(unit.stationId) ?? homes.values().next().value!;
      // Pick up where the unit was (a restart mid-task carries on with the task).
      const view = this.live.view(unit.id, Date.now(), this.opts.staleAfterS);
      const start = view?.lastFix ? { lat: view.lastFix.lat, lon: view.lastFix.lon } : { lat: home.lat, lon: home.lon };
      const script = new UnitScript(unit.id, home, this.hospitals, this.planner, rand, this.opts.times, start);
      const status = view && isUnitStatus(view.status) ? view.status : null;
      const incident = view?.taskId ? await this.incidentOf(view.taskId) : null;
      script.resume(status, incident && view?.taskId ? { id: view.taskId, incident } : null);
      if (this.stopped) return;
      const sim: SimUnit = { unit, link: null as unknown as TerminalLink, script, lastStepAt: 0, lastFixTs: 0, lastStatusTs: view?.statusTs ?? 0, fetching: null };
      sim.link = this.links(unit, (taskId) => this.orderReceived(sim, taskId));
      this.sims.set(unit.id, sim);
    }
    this.sub = this.live.changes.subscribe((u) => this.onChange(u));
    // Each unit reports once per interval, at its own moment in it, like independent terminals.
    const slices = slicesFor(this.opts.intervalMs);
    const started = Date.now();
    for (const s of this.sims.values()) s.lastStepAt = started;
    this.rounds = new StaggeredRounds([...this.sims.values()], slices);
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs / slices);
    this.log.info({ units: this.sims.size, hospitals: this.hospitals.length, speedup: this.opts.speedup, everyMs: this.opts.intervalMs }, 'road simulator driving');
  }

  /** Per station, where its units park: the station, unless its nearest road is cut off from the network. */
  private parkingSpots(): Map<string, Place> {
    const out = new Map<string, Place>();
    for (const st of this.stations) {
      const spot = this.planner.parkingFor ? this.planner.parkingFor(st) : st;
      if (spot.lat !== st.lat || spot.lon !== st.lon) {
        this.log.info({ stationId: st.id, station: [st.lat, st.lon], parking: [spot.lat, spot.lon] }, 'station road is cut off from the network; its units park on the nearest connected road');
      }
      out.set(st.id, { lat: spot.lat, lon: spot.lon });
    }
    return out;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sub?.unsubscribe();
    this.sub = null;
    this.rounds = null;
    await Promise.all([...this.sims.values()].map((s) => s.link.close()));
    this.sims.clear();
  }

  /**
   * The terminal received a dispatch order. A JT/T 808 terminal has already answered it with 0x0001;
   * an MQTT terminal acknowledges it here with its order_received status (the contract's ack). The crew
   * takes the task when the live fleet shows the assignment (onChange), whichever came first.
   */
  private orderReceived(s: SimUnit, taskId: string): void {
    this.log.info({ unitId: s.unit.id, taskId, via: s.link.kind }, 'simulated terminal received its dispatch order');
    if (s.link.kind !== 'mqtt') return;
    const ts = Math.max(Date.now(), s.lastStatusTs + 1);
    s.lastStatusTs = ts;
    s.link.status({ ts, status: 'order_received', taskId, source: 'terminal' });
  }

  /** Reacts to what the dispatcher did to our units: a new task, a task ended from the console, out of / back in service. */
  private onChange(u: LiveUnit): void {
    const s = this.sims.get(u.unitId);
    if (!s || !isUnitStatus(u.status)) return;
    // Our next report must be newer than whatever the dispatcher just set, or it would be refused as stale.
    if (u.statusTs !== null) s.lastStatusTs = Math.max(s.lastStatusTs, u.statusTs);
    const status: UnitStatus = u.status;
    const mine = s.script.taskId;
    if (status === 'order_received' && u.taskId && u.taskId !== mine && s.fetching !== u.taskId) {
      const taskId = u.taskId;
      s.fetching = taskId;
      this.incidentOf(taskId)
        .then((incident) => {
          if (s.fetching !== taskId || this.stopped) return;
          if (!incident) return this.log.warn({ unitId: u.unitId, taskId }, 'assigned task not found; the simulated crew ignores it');
          s.script.assign(taskId, incident);
          this.log.info({ unitId: u.unitId, taskId, incident }, 'simulated unit took the task');
        })
        // A failed look-up must not become an unhandled rejection (it would end the process).
        .catch((err: Error) => this.log.warn({ unitId: u.unitId, taskId, err: err.message }, 'could not read the assigned task; will retry on the next change'))
        .finally(() => {
          if (s.fetching === taskId) s.fetching = null;
        });
    } else if (mine && TASK_ENDINGS.includes(status) && (u.taskId === null || u.taskId === mine)) {
      // Our own task_complete arrives after the script has moved on (taskId already null), so this is the console's.
      s.script.taskEndedElsewhere(mine);
    } else if (NOT_AVAILABLE.includes(status)) {
      s.script.setInService(false);
    } else if (status === 'available_at_station') {
      s.script.setInService(true);
    }
  }

  private async incidentOf(taskId: string): Promise<Place | null> {
    try {
      return await this.lookup(taskId);
    } catch (e) {
      this.log.warn({ taskId, err: (e as Error).message }, 'task lookup failed');
      return null;
    }
  }

  /** One slice of the fleet: each of its units moves by the time since its own last step. */
  private tick(): void {
    const wall = Date.now();
    for (const s of this.rounds?.next() ?? []) {
      // JT/T 808 times are whole seconds: such a unit steps once a second, on the second, so the
      // distance it moves and the time its fix carries agree (else the jump filter would see double speeds).
      const now = s.link.kind === 'jt808' ? Math.floor(wall / 1000) * 1000 : wall;
      if (s.link.kind === 'jt808' && now <= s.lastFixTs) continue;
      // A stalled event loop must not teleport units: at most 5 intervals are caught up.
      const dtWallS = Math.min(now - s.lastStepAt, 5 * this.opts.intervalMs) / 1000;
      s.lastStepAt = now;
      // Distance such that the speed implied between this fix and the last stays under the ingest
      // limit: the fixes' times differ by the wall time elapsed.
      const maxMoveM = (this.opts.maxImpliedKmh / 3.6) * dtWallS;
      try {
        this.stepUnit(s, now, dtWallS * this.opts.speedup, maxMoveM);
      } catch (e) {
        this.log.error({ unitId: s.unit.id, err: (e as Error).message }, 'simulated unit step failed');
      }
    }
  }

  private stepUnit(s: SimUnit, now: number, dtSimS: number, maxMoveM: number): void {
    const step = s.script.step(dtSimS, maxMoveM);
    // Strictly increasing times per unit: the same (unit, ts) would be a duplicate fix, and a status
    // older than the unit's current one (the dispatcher's order_received) would be refused as stale.
    const fixTs = Math.max(now, s.lastFixTs + 1);
    s.lastFixTs = fixTs;
    s.link.fix({ ts: fixTs, lat: round(step.lat), lon: round(step.lon), speedKmh: Math.round(step.speedKmh), headingDeg: Math.round(step.headingDeg) % 360 });
    for (const r of step.reports) {
      // Published after the fix of the same moment, so the stored event carries where it happened.
      const ts = Math.max(fixTs, s.lastStatusTs + 1);
      s.lastStatusTs = ts;
      s.link.status(r.taskId ? { ts, status: r.status, taskId: r.taskId, source: 'terminal' } : { ts, status: r.status, source: 'terminal' });
      this.log.info({ unitId: s.unit.id, status: r.status, taskId: r.taskId ?? undefined }, 'simulated terminal status');
    }
  }
}

const round = (v: number): number => Math.round(v * 1e7) / 1e7;
