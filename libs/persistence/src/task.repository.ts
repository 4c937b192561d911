import { DataSource, EntityManager } from 'typeorm';
import type { EventDraft } from '@rescue/webhooks';
import { AuditEntry, AuditRepository } from './audit.repository';
import { OrderRepository } from './order.repository';
import { WebhookOutbox } from './webhooks.repository';
import { DbBigint, DbTimestamp, execute, selectRow, selectRows, toIso, toMs, toMsOrNull } from './rows';
import type { Queryable } from './timescale';

export interface TaskRow {
  id: string;
  unitId: string | null;
  stationId: string | null;
  state: 'active' | 'completed' | 'void' | 'unserved';
  priority: number;
  emergency: boolean;
  incident: { lat: number; lon: number; crs: string; inputLat: number; inputLon: number };
  requiredCapabilities: string[];
  outcome: string | null;
  outcomeReason: string | null;
  callTakenAt: number;
  orderReceivedAt: number | null;
  departedAt: number | null;
  onSceneAt: number | null;
  leftSceneAt: number | null;
  atHospitalAt: number | null;
  endedAt: number | null;
  /** Where the task came from: this system ('live') or a previous one's export ('import'). */
  source?: 'live' | 'import';
  externalId?: string | null;
  callRingAt?: number | null;
  callAnsweredAt?: number | null;
  orderSentAt?: number | null;
  dispatcher?: string | null;
  callType?: string | null;
  destinationHospital?: string | null;
  /** The call (incident) this task serves; several tasks may serve one call (mass casualty). */
  callId?: string | null;
  /** The receiving hospital chosen on the board (registry id). */
  hospitalId?: string | null;
  hospitalChosenAt?: number | null;
}

export interface LockedUnit {
  id: string;
  status: string | null;
  statusTs: number | null;
  stationId: string | null;
  capabilities: string[];
}

export interface TaskEventRow {
  taskId: string | null;
  unitId: string;
  fromStatus: string | null;
  toStatus: string;
  ts: number;
  source: 'terminal' | 'dispatcher';
  reason: string | null;
  fix: { ts: number; lat: number; lon: number } | null;
}

export interface PendingStatusReport {
  id: number;
  unitId: string;
  ts: number;
  status: string;
  taskId: string | null;
  source: 'terminal' | 'dispatcher';
}

/** The task column each lifecycle status stamps. */
export const TASK_TIME_COLUMN: Readonly<Record<string, string>> = {
  order_received: 'order_received_at',
  en_route: 'departed_at',
  on_scene: 'on_scene_at',
  patient_loaded: 'left_scene_at',
  at_hospital: 'at_hospital_at',
};

/** Postgres unique violation on the one-active-task-per-unit index: another assignment won. */
export function isActiveTaskConflict(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string; constraint?: string }; message?: string };
  const code = e.driverError?.code ?? e.code;
  return code === '23505' && /tasks_one_active_task_per_unit/.test(String(e.driverError?.constraint ?? e.message ?? ''));
}

/** Columns of tasks as the driver returns them. */
interface TaskColumns {
  id: string;
  unit_id: string | null;
  station_id: string | null;
  state: TaskRow['state'];
  priority: number;
  emergency: boolean;
  incident_lat: number;
  incident_lon: number;
  incident_crs: string;
  incident_input_lat: number;
  incident_input_lon: number;
  required_capabilities: string[] | null;
  outcome: string | null;
  outcome_reason: string | null;
  call_taken_at: DbTimestamp;
  order_received_at: DbTimestamp | null;
  departed_at: DbTimestamp | null;
  on_scene_at: DbTimestamp | null;
  left_scene_at: DbTimestamp | null;
  at_hospital_at: DbTimestamp | null;
  ended_at: DbTimestamp | null;
  source: 'live' | 'import';
  external_id: string | null;
  call_ring_at: DbTimestamp | null;
  call_answered_at: DbTimestamp | null;
  order_sent_at: DbTimestamp | null;
  dispatcher: string | null;
  call_type: string | null;
  destination_hospital: string | null;
  call_id: string | null;
  hospital_id: string | null;
  hospital_chosen_at: DbTimestamp | null;
}

interface TaskEventColumns {
  task_id: string | null;
  unit_id: string;
  from_status: string | null;
  to_status: string;
  ts: DbTimestamp;
  source: TaskEventRow['source'];
  reason: string | null;
  fix_ts: DbTimestamp | null;
  fix_lat: number | null;
  fix_lon: number | null;
}

interface LockedUnitColumns {
  id: string;
  status: string | null;
  status_ts: DbTimestamp | null;
  station_id: string | null;
  capabilities: string[] | null;
}

interface StatusReportColumns {
  id: DbBigint;
  unit_id: string;
  ts: DbTimestamp;
  status: string;
  task_id: string | null;
  source: PendingStatusReport['source'];
}

const TASK_COLUMNS = `id, unit_id, station_id, state, priority, emergency, incident_lat, incident_lon, incident_crs, incident_input_lat,
  incident_input_lon, required_capabilities, outcome, outcome_reason, call_taken_at, order_received_at, departed_at, on_scene_at,
  left_scene_at, at_hospital_at, ended_at, source, external_id, call_ring_at, call_answered_at, order_sent_at, dispatcher, call_type,
  destination_hospital, call_id, hospital_id, hospital_chosen_at`;

function toTask(r: TaskColumns): TaskRow {
  return {
    id: r.id,
    unitId: r.unit_id,
    stationId: r.station_id,
    state: r.state,
    priority: Number(r.priority),
    emergency: r.emergency === true,
    incident: { lat: Number(r.incident_lat), lon: Number(r.incident_lon), crs: r.incident_crs, inputLat: Number(r.incident_input_lat), inputLon: Number(r.incident_input_lon) },
    requiredCapabilities: r.required_capabilities ?? [],
    outcome: r.outcome,
    outcomeReason: r.outcome_reason,
    callTakenAt: toMs(r.call_taken_at),
    orderReceivedAt: toMsOrNull(r.order_received_at),
    departedAt: toMsOrNull(r.departed_at),
    onSceneAt: toMsOrNull(r.on_scene_at),
    leftSceneAt: toMsOrNull(r.left_scene_at),
    atHospitalAt: toMsOrNull(r.at_hospital_at),
    endedAt: toMsOrNull(r.ended_at),
    source: r.source,
    externalId: r.external_id,
    callRingAt: toMsOrNull(r.call_ring_at),
    callAnsweredAt: toMsOrNull(r.call_answered_at),
    orderSentAt: toMsOrNull(r.order_sent_at),
    dispatcher: r.dispatcher,
    callType: r.call_type,
    destinationHospital: r.destination_hospital,
    callId: r.call_id,
    hospitalId: r.hospital_id,
    hospitalChosenAt: toMsOrNull(r.hospital_chosen_at),
  };
}

/** Statements of one transaction; the handle stays in here, never in a service. */
export class TaskTransaction {
  /** Whether an event went into the outbox (the worker is woken after the commit). */
  emitted = false;

  constructor(
    protected readonly m: EntityManager,
    private readonly auditTrail: AuditRepository,
    protected readonly orders: OrderRepository,
    private readonly outbox: WebhookOutbox,
  ) {}

  /**
   * Publishes events out (webhooks) with this transaction: they commit with the change or not at all.
   * Call it last, after the change's statements (see WebhookOutbox).
   */
  async emit(events: EventDraft | readonly EventDraft[]): Promise<void> {
    await this.outbox.append(this.m, events);
    this.emitted = true;
  }

  async insertTask(t: TaskRow): Promise<void> {
    await execute(
      this.m,
      `INSERT INTO tasks (id, unit_id, station_id, state, priority, emergency, incident_lat, incident_lon, incident_crs,
         incident_input_lat, incident_input_lon, required_capabilities, call_taken_at, order_received_at,
         call_id, dispatcher, call_ring_at, call_answered_at, order_sent_at, outcome_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
      [t.id, t.unitId, t.stationId, t.state, t.priority, t.emergency, t.incident.lat, t.incident.lon, t.incident.crs,
        t.incident.inputLat, t.incident.inputLon, t.requiredCapabilities, toIso(t.callTakenAt), isoOrNull(t.orderReceivedAt),
        t.callId ?? null, t.dispatcher ?? null, isoOrNull(t.callRingAt ?? null), isoOrNull(t.callAnsweredAt ?? null), isoOrNull(t.orderSentAt ?? null), t.outcomeReason],
    );
  }

  /** A unit was sent for the call: it is dispatched (again, if it had closed); an unserved call stays closed. */
  async callDispatched(callId: string): Promise<boolean> {
    const rows = await selectRows<{ id: string }>(
      this.m,
      `UPDATE calls SET state = 'dispatched', closed_at = NULL WHERE id = $1 AND state <> 'unserved' RETURNING id`,
      [callId],
    );
    return rows.length > 0;
  }

  /** An audit record that commits with the change, or not at all. */
  async audit(entry: AuditEntry): Promise<void> {
    await this.auditTrail.append(entry, this.m);
  }
}

/** A transaction holding one unit's row lock: concurrent changes of that unit queue behind it. */
export class UnitTransaction extends TaskTransaction {
  constructor(
    m: EntityManager,
    auditTrail: AuditRepository,
    orders: OrderRepository,
    outbox: WebhookOutbox,
    /** The unit as locked. */
    readonly unit: LockedUnit,
  ) {
    super(m, auditTrail, orders, outbox);
  }

  /** The dispatch order of a new assignment, to be sent down to this unit. */
  createOrder(taskId: string, commandId: string): Promise<void> {
    return this.orders.create(taskId, this.unit.id, commandId, this.m);
  }

  /** The unit's terminal confirmed the order of its task. */
  markOrderAcked(taskId: string, ts: number, source: string): Promise<void> {
    return this.orders.markAcked(this.m, taskId, ts, source);
  }

  activeTaskId(): Promise<string | null> {
    return activeTaskId(this.m, this.unit.id);
  }

  async setStatus(status: string, ts: number, taskId: string | null): Promise<void> {
    await execute(this.m, `UPDATE units SET status = $2, status_ts = $3, task_id = $4 WHERE id = $1`, [this.unit.id, status, toIso(ts), taskId]);
  }

  /** Stamps the task's time for a lifecycle step (first report wins) and, for an ending, closes it. */
  async recordTaskStep(taskId: string, status: string, ts: number, reason: string | null): Promise<void> {
    const column = TASK_TIME_COLUMN[status];
    if (column) {
      await execute(this.m, `UPDATE tasks SET ${column} = coalesce(${column}, $2) WHERE id = $1`, [taskId, toIso(ts)]);
      return;
    }
    const state = status === 'task_complete' ? 'completed' : 'void';
    await execute(this.m, `UPDATE tasks SET state = $2, outcome = $3, outcome_reason = $4, ended_at = $5 WHERE id = $1`, [taskId, state, status, reason, toIso(ts)]);
    // The call's last task ended: the call is closed (another unit sent later dispatches it again).
    await execute(
      this.m,
      `UPDATE calls c SET state = 'closed', closed_at = $2
        WHERE c.id = (SELECT call_id FROM tasks WHERE id = $1) AND c.state = 'dispatched'
          AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.call_id = c.id AND t.state = 'active')`,
      [taskId, toIso(ts)],
    );
  }

  /** Records the unit's status change with its last stored fix at or before e.ts. */
  async insertEvent(e: Omit<TaskEventRow, 'unitId' | 'fix'>): Promise<void> {
    const fix = await selectRow<{ ts: DbTimestamp; lat: number; lon: number }>(
      this.m,
      `SELECT ts, lat, lon FROM unit_positions WHERE unit_id = $1 AND ts <= $2 ORDER BY ts DESC LIMIT 1`,
      [this.unit.id, toIso(e.ts)],
    );
    await execute(
      this.m,
      `INSERT INTO task_events (task_id, unit_id, from_status, to_status, ts, source, reason, fix_ts, fix_lat, fix_lon)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [e.taskId, this.unit.id, e.fromStatus, e.toStatus, toIso(e.ts), e.source, e.reason, fix ? toIso(toMs(fix.ts)) : null, fix ? Number(fix.lat) : null, fix ? Number(fix.lon) : null],
    );
  }
}

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : toIso(ms));

async function activeTaskId(db: Queryable, unitId: string): Promise<string | null> {
  return (await selectRow<{ id: string }>(db, `SELECT id FROM tasks WHERE unit_id = $1 AND state = 'active'`, [unitId]))?.id ?? null;
}

/**
 * Data access of dispatch. The rules (which transition is legal) live in libs/dispatch and the
 * service that uses this; here only statements. A change runs in withUnitLocked or withTransaction,
 * whose transaction object carries the statements, so no transaction handle reaches a service.
 */
export class TaskRepository {
  private readonly auditTrail: AuditRepository;
  private readonly orders: OrderRepository;

  /** `outbox`: the server's one instance, so appends wake its delivery worker (a fresh one otherwise). */
  constructor(
    private readonly db: DataSource,
    private readonly outbox: WebhookOutbox = new WebhookOutbox(db),
  ) {
    this.auditTrail = new AuditRepository(db);
    this.orders = new OrderRepository(db);
  }

  async withTransaction<T>(work: (tx: TaskTransaction) => Promise<T>): Promise<T> {
    let tx: TaskTransaction | null = null;
    const result = await this.db.transaction((m) => work((tx = new TaskTransaction(m, this.auditTrail, this.orders, this.outbox))));
    if ((tx as TaskTransaction | null)?.emitted) this.outbox.committed();
    return result;
  }

  /**
   * Runs `work` in one transaction that first locks the unit's row (SELECT … FOR UPDATE), so
   * concurrent changes of one unit are serialised by the database. Throws missing() if there is no
   * such unit.
   */
  async withUnitLocked<T>(unitId: string, work: (tx: UnitTransaction) => Promise<T>, missing: () => Error): Promise<T> {
    let tx: UnitTransaction | null = null;
    const result = await this.db.transaction(async (m) => {
      const r = await selectRow<LockedUnitColumns>(m, `SELECT id, status, status_ts, station_id, capabilities FROM units WHERE id = $1 FOR UPDATE`, [unitId]);
      if (!r) throw missing();
      const unit: LockedUnit = { id: r.id, status: r.status, statusTs: toMsOrNull(r.status_ts), stationId: r.station_id, capabilities: r.capabilities ?? [] };
      return work((tx = new UnitTransaction(m, this.auditTrail, this.orders, this.outbox, unit)));
    });
    if ((tx as UnitTransaction | null)?.emitted) this.outbox.committed();
    return result;
  }

  /** The unit's active task, read outside any transaction (after a lost race, to name the winner). */
  activeTaskIdOutside(unitId: string): Promise<string | null> {
    return activeTaskId(this.db, unitId);
  }

  async task(taskId: string): Promise<TaskRow | null> {
    const r = await selectRow<TaskColumns>(this.db, `SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1`, [taskId]);
    return r ? toTask(r) : null;
  }

  async events(taskId: string): Promise<TaskEventRow[]> {
    const rows = await selectRows<TaskEventColumns>(
      this.db,
      `SELECT task_id, unit_id, from_status, to_status, ts, source, reason, fix_ts, fix_lat, fix_lon FROM task_events WHERE task_id = $1 ORDER BY id`,
      [taskId],
    );
    return rows.map((r) => ({
      taskId: r.task_id, unitId: r.unit_id, fromStatus: r.from_status, toStatus: r.to_status, ts: toMs(r.ts), source: r.source, reason: r.reason,
      fix: r.fix_ts === null ? null : { ts: toMs(r.fix_ts), lat: Number(r.fix_lat), lon: Number(r.fix_lon) },
    }));
  }

  /** Tasks whose call was taken in [from, to), optionally of one station. */
  async tasksBetween(from: number, to: number, stationId: string | null): Promise<TaskRow[]> {
    const rows = await selectRows<TaskColumns>(
      this.db,
      `SELECT ${TASK_COLUMNS} FROM tasks WHERE call_taken_at >= $1 AND call_taken_at < $2 AND ($3::text IS NULL OR station_id = $3)
       ORDER BY call_taken_at, id`,
      [toIso(from), toIso(to), stationId],
    );
    return rows.map(toTask);
  }

  async pendingStatusReports(limit: number): Promise<PendingStatusReport[]> {
    const rows = await selectRows<StatusReportColumns>(
      this.db,
      `SELECT id, unit_id, ts, status, task_id, source FROM unit_status_reports WHERE applied IS NULL ORDER BY id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ id: Number(r.id), unitId: r.unit_id, ts: toMs(r.ts), status: r.status, taskId: r.task_id, source: r.source }));
  }

  async markStatusReport(id: number, applied: boolean, verdict: string): Promise<void> {
    await execute(this.db, `UPDATE unit_status_reports SET applied = $2, verdict = $3 WHERE id = $1`, [id, applied, verdict]);
  }
}
