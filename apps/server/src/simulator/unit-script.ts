import type { UnitStatus } from '@rescue/contracts';
import type { RouteMover } from './route-mover';
import type { Place, TripPlanner } from './trip-planner';

/** Simulated seconds, [min, max] drawn uniformly. Turnout defaults keep departures inside the 3-minute indicator (domain.md §4). */
export type Range = readonly [number, number];

export interface ScriptTimes {
  /** Crew from the station room into the vehicle (出车). */
  turnoutAtStationS: Range;
  /** Crew already in the vehicle (on patrol / returning). */
  turnoutOnRoadS: Range;
  onSceneS: Range;
  /** Handover at the emergency department. */
  handoverS: Range;
  /** Cleaning and restocking at the station before it is available again. */
  restockS: Range;
  /** Idle at the station between standby patrols. */
  parkedS: Range;
  /** Radius of a standby patrol around the station; 0: units stay parked. */
  patrolRadiusM: number;
}

export const DEFAULT_TIMES: ScriptTimes = {
  turnoutAtStationS: [30, 90],
  turnoutOnRoadS: [10, 25],
  onSceneS: [480, 900],
  handoverS: [300, 900],
  restockS: [120, 300],
  parkedS: [300, 900],
  patrolRadiusM: 2000,
};

/** A status the terminal reports now; task-phase reports name the task. */
export interface Report {
  status: UnitStatus;
  taskId: string | null;
}

export interface Step {
  lat: number;
  lon: number;
  headingDeg: number;
  speedKmh: number;
  reports: Report[];
}

type Phase =
  | { kind: 'parked'; leftS: number }
  | { kind: 'off' }
  | { kind: 'patrol'; leg: RouteMover; t: number; out: boolean }
  | { kind: 'turnout'; leftS: number }
  | { kind: 'to_scene'; leg: RouteMover; t: number }
  | { kind: 'on_scene'; leftS: number }
  | { kind: 'to_hospital'; leg: RouteMover; t: number }
  | { kind: 'handover'; leftS: number }
  | { kind: 'returning'; leg: RouteMover; t: number }
  | { kind: 'restock'; leftS: number };

/** The unit's stored status when the simulator starts (null: never reported). */
export type ResumeStatus = UnitStatus | null;

/**
 * Pure behaviour of one simulated terminal: a state machine advanced by step(simulated seconds). It
 * never talks to MQTT; it returns where the unit is and which statuses to report. Idle units make short
 * standby patrols on the road network (status stays 站内待命 — the demo needs movement, and standby
 * points away from the station are common practice); an assignment interrupts anything idle.
 */
export class UnitScript {
  private phase: Phase;
  private pos: { lat: number; lon: number; headingDeg: number; speedKmh: number };
  /** The heading is the vehicle's real direction on a road (it drove there), not a parked default. */
  private onRoad = false;
  private task: { id: string; incident: Place } | null = null;
  /** Reports waiting for the next step (bounded: a phase change adds at most two). */
  private pending: Report[] = [];

  constructor(
    readonly unitId: string,
    private readonly home: Place,
    private readonly hospitals: readonly Place[],
    private readonly planner: TripPlanner,
    private readonly rand: () => number,
    private readonly times: ScriptTimes = DEFAULT_TIMES,
    start: Place = home,
  ) {
    this.pos = { lat: start.lat, lon: start.lon, headingDeg: 0, speedKmh: 0 };
    this.phase = { kind: 'parked', leftS: this.draw([0, 120]) }; // first patrols soon, staggered
  }

  get taskId(): string | null {
    return this.task?.id ?? null;
  }

  get phaseKind(): Phase['kind'] {
    return this.phase.kind;
  }

  /**
   * Takes up the state a unit had when the simulator (re)started: a unit on a task carries on with it,
   * a unit between tasks heads home, an unavailable one stays parked, anything else reports 站内待命.
   */
  resume(status: ResumeStatus, task: { id: string; incident: Place } | null): void {
    const onTask = task !== null;
    switch (status) {
      case 'order_received':
        if (onTask) return this.assign(task.id, task.incident);
        break;
      case 'en_route':
        if (onTask) {
          this.task = task;
          this.phase = { kind: 'to_scene', leg: this.planner.plan(this.here(), task.incident), t: 0 };
          return;
        }
        break;
      case 'on_scene':
        if (onTask) {
          this.task = task;
          this.phase = { kind: 'on_scene', leftS: this.draw(this.times.onSceneS) };
          return;
        }
        break;
      case 'patient_loaded':
        if (onTask) {
          this.task = task;
          this.phase = { kind: 'to_hospital', leg: this.toNearestHospital(), t: 0 };
          return;
        }
        break;
      case 'at_hospital':
        if (onTask) {
          this.task = task;
          this.phase = { kind: 'handover', leftS: this.draw(this.times.handoverS) };
          return;
        }
        break;
      case 'available_returning':
        this.phase = { kind: 'returning', leg: this.planner.plan(this.here(), this.home), t: 0 };
        return;
      case 'back_at_station':
        this.phase = { kind: 'restock', leftS: this.draw(this.times.restockS) };
        return;
      case 'suspended':
      case 'maintenance':
      case 'off_duty':
        this.phase = { kind: 'off' };
        return;
      case 'task_complete':
      case 'refused':
      case 'gone_on_arrival':
      case 'dead_not_transported':
      case 'aborted':
        return this.goHome();
      case 'available_at_station':
      case null:
        break;
    }
    // Unknown, available, or a task phase whose task is gone: a terminal that just booted at the station.
    this.pending.push({ status: 'available_at_station', taskId: null });
  }

  /** A dispatcher assigned this unit (order_received with the task). */
  assign(taskId: string, incident: Place): void {
    if (this.task?.id === taskId) return;
    this.task = { id: taskId, incident };
    const atStation = this.phase.kind === 'parked' || this.phase.kind === 'restock' || this.phase.kind === 'off';
    this.pos.speedKmh = 0; // stops where it is while the crew gets ready
    this.phase = { kind: 'turnout', leftS: this.draw(atStation ? this.times.turnoutAtStationS : this.times.turnoutOnRoadS) };
  }

  /** The dispatcher ended the task (aborted, a void ending, or completed it from the console): head home. */
  taskEndedElsewhere(taskId: string): void {
    if (this.task?.id !== taskId) return;
    this.goHome();
  }

  /** Dispatcher took the unit out of service (suspended, maintenance, off duty) or back in. */
  setInService(inService: boolean): void {
    if (!inService && this.task === null) this.phase = { kind: 'off' };
    else if (inService && this.phase.kind === 'off') this.phase = { kind: 'parked', leftS: this.draw(this.times.parkedS) };
  }

  /**
   * Advances by dtS simulated seconds, driving at most maxMoveM metres (the simulator keeps the
   * implied speed of sped-up fixes under the ingest jump filter). At most one phase change per step.
   */
  step(dtS: number, maxMoveM: number = Number.POSITIVE_INFINITY): Step {
    const p = this.phase;
    switch (p.kind) {
      case 'off':
        break;
      case 'parked':
        p.leftS -= dtS;
        if (p.leftS <= 0) this.startPatrol();
        break;
      case 'turnout':
        p.leftS -= dtS;
        if (p.leftS <= 0 && this.task) {
          this.report('en_route');
          this.phase = { kind: 'to_scene', leg: this.planner.plan(this.here(), this.task.incident), t: 0 };
        }
        break;
      case 'on_scene':
        p.leftS -= dtS;
        if (p.leftS <= 0) {
          this.report('patient_loaded');
          this.phase = { kind: 'to_hospital', leg: this.toNearestHospital(), t: 0 };
        }
        break;
      case 'handover':
        p.leftS -= dtS;
        if (p.leftS <= 0) {
          this.report('task_complete');
          this.goHome();
        }
        break;
      case 'restock':
        p.leftS -= dtS;
        if (p.leftS <= 0) {
          this.pending.push({ status: 'available_at_station', taskId: null });
          this.phase = { kind: 'parked', leftS: this.draw(this.times.parkedS) };
        }
        break;
      case 'patrol':
        if (this.drive(p, dtS, maxMoveM)) {
          if (p.out) this.phase = { kind: 'patrol', leg: this.planner.plan(this.here(), this.home), t: 0, out: false };
          else this.phase = { kind: 'parked', leftS: this.draw(this.times.parkedS) };
        }
        break;
      case 'to_scene':
        if (this.drive(p, dtS, maxMoveM)) {
          this.report('on_scene');
          this.phase = { kind: 'on_scene', leftS: this.draw(this.times.onSceneS) };
        }
        break;
      case 'to_hospital':
        if (this.drive(p, dtS, maxMoveM)) {
          this.report('at_hospital');
          this.phase = { kind: 'handover', leftS: this.draw(this.times.handoverS) };
        }
        break;
      case 'returning':
        if (this.drive(p, dtS, maxMoveM)) {
          this.pending.push({ status: 'back_at_station', taskId: null });
          this.phase = { kind: 'restock', leftS: this.draw(this.times.restockS) };
        }
        break;
    }
    const reports = this.pending;
    this.pending = [];
    return { ...this.pos, reports };
  }

  /** Moves along the leg; true once arrived. */
  private drive(p: { leg: RouteMover; t: number }, dtS: number, maxMoveM: number): boolean {
    const limitT = Number.isFinite(maxMoveM) ? p.leg.timeAt(p.leg.distanceAt(p.t) + maxMoveM) : Number.POSITIVE_INFINITY;
    p.t = Math.min(p.t + dtS, limitT);
    const s = p.leg.at(p.t);
    this.pos = { lat: s.lat, lon: s.lon, headingDeg: s.headingDeg, speedKmh: s.speedKmh };
    this.onRoad = !s.done;
    return s.done;
  }

  /** Where a new drive starts: with the heading only if the unit was driving (it picks the carriageway). */
  private here(): Place & { headingDeg?: number } {
    return this.onRoad ? { lat: this.pos.lat, lon: this.pos.lon, headingDeg: this.pos.headingDeg } : { lat: this.pos.lat, lon: this.pos.lon };
  }

  private report(status: UnitStatus): void {
    this.pending.push({ status, taskId: this.task?.id ?? null });
  }

  private goHome(): void {
    this.task = null;
    this.pending.push({ status: 'available_returning', taskId: null });
    this.phase = { kind: 'returning', leg: this.planner.plan(this.here(), this.home), t: 0 };
  }

  private startPatrol(): void {
    const target = this.times.patrolRadiusM > 0 ? this.planner.roadPointNear(this.home, this.times.patrolRadiusM, this.rand) : null;
    if (!target) {
      this.phase = { kind: 'parked', leftS: this.draw(this.times.parkedS) };
      return;
    }
    this.phase = { kind: 'patrol', leg: this.planner.plan(this.here(), target), t: 0, out: true };
  }

  /** Nearest hospital by driving time (a handful of hospitals: one route each). */
  private toNearestHospital(): RouteMover {
    let best: RouteMover | null = null;
    for (const h of this.hospitals) {
      const leg = this.planner.plan(this.here(), h);
      if (!best || leg.durationS < best.durationS) best = leg;
    }
    // No hospital configured: the patient goes to the station's town (keeps the loop whole).
    return best ?? this.planner.plan(this.here(), this.home);
  }

  private draw([min, max]: Range): number {
    return min + (max - min) * this.rand();
  }
}
