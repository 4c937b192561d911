import { DataSource, EntityManager } from 'typeorm';

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

const ms = (v: Date | string | null): number | null => (v === null ? null : new Date(v).getTime());
const iso = (v: number): string => new Date(v).toISOString();

/** Postgres unique violation on the one-active-task-per-unit index: another assignment won. */
export function isActiveTaskConflict(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string; constraint?: string }; message?: string };
  const code = e.driverError?.code ?? e.code;
  return code === '23505' && /tasks_one_active_task_per_unit/.test(String(e.driverError?.constraint ?? e.message ?? ''));
}

function toTask(r: Record<string, any>): TaskRow {
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
    callTakenAt: ms(r.call_taken_at)!,
    orderReceivedAt: ms(r.order_received_at),
    departedAt: ms(r.departed_at),
    onSceneAt: ms(r.on_scene_at),
    leftSceneAt: ms(r.left_scene_at),
    atHospitalAt: ms(r.at_hospital_at),
    endedAt: ms(r.ended_at),
    source: r.source,
    externalId: r.external_id,
    callRingAt: ms(r.call_ring_at),
    callAnsweredAt: ms(r.call_answered_at),
    orderSentAt: ms(r.order_sent_at),
    dispatcher: r.dispatcher,
    callType: r.call_type,
    destinationHospital: r.destination_hospital,
  };
}

/**
 * Data access of dispatch. The rules (which transition is legal) live in libs/dispatch and the
 * service that uses this; here only statements, each taking the transaction's EntityManager.
 */
export class TaskRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** Locks the unit row for the rest of the transaction: concurrent changes of one unit queue here. */
  async lockUnit(m: EntityManager, unitId: string): Promise<LockedUnit | null> {
    const rows: Array<Record<string, any>> = await m.query(
      `SELECT id, status, status_ts, station_id, capabilities FROM units WHERE id = $1 FOR UPDATE`,
      [unitId],
    );
    const r = rows[0];
    return r ? { id: r.id, status: r.status, statusTs: ms(r.status_ts), stationId: r.station_id, capabilities: r.capabilities ?? [] } : null;
  }

  async activeTaskId(m: EntityManager, unitId: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await m.query(`SELECT id FROM tasks WHERE unit_id = $1 AND state = 'active'`, [unitId]);
    return rows[0]?.id ?? null;
  }

  async activeTaskIdOutside(unitId: string): Promise<string | null> {
    return this.activeTaskId(this.db.manager, unitId);
  }

  async insertTask(m: EntityManager, t: TaskRow): Promise<void> {
    await m.query(
      `INSERT INTO tasks (id, unit_id, station_id, state, priority, emergency, incident_lat, incident_lon, incident_crs,
         incident_input_lat, incident_input_lon, required_capabilities, call_taken_at, order_received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [t.id, t.unitId, t.stationId, t.state, t.priority, t.emergency, t.incident.lat, t.incident.lon, t.incident.crs,
        t.incident.inputLat, t.incident.inputLon, t.requiredCapabilities, iso(t.callTakenAt), t.orderReceivedAt === null ? null : iso(t.orderReceivedAt)],
    );
  }

  async setUnitStatus(m: EntityManager, unitId: string, status: string, ts: number, taskId: string | null): Promise<void> {
    await m.query(`UPDATE units SET status = $2, status_ts = $3, task_id = $4 WHERE id = $1`, [unitId, status, iso(ts), taskId]);
  }

  /** Stamps the task's time for a lifecycle step (first report wins) and, for an ending, closes it. */
  async recordTaskStep(m: EntityManager, taskId: string, status: string, ts: number, reason: string | null): Promise<void> {
    const column = TASK_TIME_COLUMN[status];
    if (column) {
      await m.query(`UPDATE tasks SET ${column} = coalesce(${column}, $2) WHERE id = $1`, [taskId, iso(ts)]);
      return;
    }
    const state = status === 'task_complete' ? 'completed' : 'void';
    await m.query(
      `UPDATE tasks SET state = $2, outcome = $3, outcome_reason = $4, ended_at = $5 WHERE id = $1`,
      [taskId, state, status, reason, iso(ts)],
    );
  }

  /** The unit's last stored fix at or before ts (the position recorded with a transition). */
  async fixAt(m: EntityManager, unitId: string, ts: number): Promise<TaskEventRow['fix']> {
    const rows: Array<Record<string, any>> = await m.query(
      `SELECT ts, lat, lon FROM unit_positions WHERE unit_id = $1 AND ts <= $2 ORDER BY ts DESC LIMIT 1`,
      [unitId, iso(ts)],
    );
    const r = rows[0];
    return r ? { ts: ms(r.ts)!, lat: Number(r.lat), lon: Number(r.lon) } : null;
  }

  async insertEvent(m: EntityManager, e: TaskEventRow): Promise<void> {
    await m.query(
      `INSERT INTO task_events (task_id, unit_id, from_status, to_status, ts, source, reason, fix_ts, fix_lat, fix_lon)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [e.taskId, e.unitId, e.fromStatus, e.toStatus, iso(e.ts), e.source, e.reason,
        e.fix ? iso(e.fix.ts) : null, e.fix?.lat ?? null, e.fix?.lon ?? null],
    );
  }

  async task(taskId: string): Promise<TaskRow | null> {
    const rows: Array<Record<string, any>> = await this.db.query(`SELECT * FROM tasks WHERE id = $1`, [taskId]);
    return rows[0] ? toTask(rows[0]) : null;
  }

  async events(taskId: string): Promise<TaskEventRow[]> {
    const rows: Array<Record<string, any>> = await this.db.query(`SELECT * FROM task_events WHERE task_id = $1 ORDER BY id`, [taskId]);
    return rows.map((r) => ({
      taskId: r.task_id, unitId: r.unit_id, fromStatus: r.from_status, toStatus: r.to_status, ts: ms(r.ts)!, source: r.source, reason: r.reason,
      fix: r.fix_ts === null ? null : { ts: ms(r.fix_ts)!, lat: Number(r.fix_lat), lon: Number(r.fix_lon) },
    }));
  }

  /** Tasks whose call was taken in [from, to), optionally of one station. */
  async tasksBetween(from: number, to: number, stationId: string | null): Promise<TaskRow[]> {
    const rows: Array<Record<string, any>> = await this.db.query(
      `SELECT * FROM tasks WHERE call_taken_at >= $1 AND call_taken_at < $2 AND ($3::text IS NULL OR station_id = $3)
       ORDER BY call_taken_at, id`,
      [iso(from), iso(to), stationId],
    );
    return rows.map(toTask);
  }

  async pendingStatusReports(limit: number): Promise<PendingStatusReport[]> {
    const rows: Array<Record<string, any>> = await this.db.query(
      `SELECT id, unit_id, ts, status, task_id, source FROM unit_status_reports WHERE applied IS NULL ORDER BY id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ id: Number(r.id), unitId: r.unit_id, ts: ms(r.ts)!, status: r.status, taskId: r.task_id, source: r.source }));
  }

  async markStatusReport(m: EntityManager, id: number, applied: boolean, verdict: string): Promise<void> {
    await m.query(`UPDATE unit_status_reports SET applied = $2, verdict = $3 WHERE id = $1`, [id, applied, verdict]);
  }
}
