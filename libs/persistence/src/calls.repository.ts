import type { DataSource } from 'typeorm';
import type { HospitalRecord } from '@rescue/registry';
import type { EventDraft } from '@rescue/webhooks';
import { AuditRepository } from './audit.repository';
import { DbTimestamp, execute, selectRow, selectRows, toIso, toMs, toMsOrNull } from './rows';
import { WebhookOutbox } from './webhooks.repository';

export type CallState = 'pending' | 'dispatched' | 'closed' | 'unserved';

/** A call (受理的呼救) as the dispatcher took it. Times in ms; the location in WGS-84 with what was entered. */
export interface CallRow {
  id: string;
  state: CallState;
  ringAt: number | null;
  answeredAt: number;
  dispatcher: string;
  location: { lat: number; lon: number; crs: string; inputLat: number; inputLon: number };
  address: string | null;
  priority: number;
  chiefComplaint: string | null;
  requiredCapabilities: string[];
  closeReason: string | null;
  closedAt: number | null;
}

interface CallColumns {
  id: string;
  state: CallState;
  ring_at: DbTimestamp | null;
  answered_at: DbTimestamp;
  dispatcher: string;
  lat: number;
  lon: number;
  input_crs: string;
  input_lat: number;
  input_lon: number;
  address: string | null;
  priority: number;
  chief_complaint: string | null;
  required_capabilities: string[] | null;
  close_reason: string | null;
  closed_at: DbTimestamp | null;
}

const CALL_COLUMNS = `id, state, ring_at, answered_at, dispatcher, lat, lon, input_crs, input_lat, input_lon, address, priority, chief_complaint,
  required_capabilities, close_reason, closed_at`;

function toCall(r: CallColumns): CallRow {
  return {
    id: r.id, state: r.state, ringAt: toMsOrNull(r.ring_at), answeredAt: toMs(r.answered_at), dispatcher: r.dispatcher,
    location: { lat: Number(r.lat), lon: Number(r.lon), crs: r.input_crs, inputLat: Number(r.input_lat), inputLon: Number(r.input_lon) },
    address: r.address, priority: Number(r.priority), chiefComplaint: r.chief_complaint, requiredCapabilities: r.required_capabilities ?? [],
    closeReason: r.close_reason, closedAt: toMsOrNull(r.closed_at),
  };
}

/** An active task as the board lists it: its own facts, its call's and its receiving hospital's. */
export interface BoardTaskRow {
  taskId: string;
  unitId: string;
  stationId: string | null;
  priority: number;
  incident: { lat: number; lon: number };
  requiredCapabilities: string[];
  callTakenAt: number;
  orderReceivedAt: number;
  departedAt: number | null;
  onSceneAt: number | null;
  leftSceneAt: number | null;
  atHospitalAt: number | null;
  dispatcher: string | null;
  callId: string | null;
  address: string | null;
  chiefComplaint: string | null;
  hospital: { id: string; name: string; lat: number; lon: number } | null;
}

interface BoardTaskColumns {
  id: string;
  unit_id: string;
  station_id: string | null;
  priority: number;
  incident_lat: number;
  incident_lon: number;
  required_capabilities: string[] | null;
  call_taken_at: DbTimestamp;
  order_received_at: DbTimestamp | null;
  departed_at: DbTimestamp | null;
  on_scene_at: DbTimestamp | null;
  left_scene_at: DbTimestamp | null;
  at_hospital_at: DbTimestamp | null;
  dispatcher: string | null;
  call_id: string | null;
  address: string | null;
  chief_complaint: string | null;
  hospital_id: string | null;
  hospital_name: string | null;
  hospital_lat: number | null;
  hospital_lon: number | null;
}

export interface HospitalAccess {
  principal: string;
  hospitalId: string;
}

/** A hospital as the demo seeds it: the registry's record, in WGS-84. */
export type DemoHospitalRecord = Pick<HospitalRecord, 'id' | 'name' | 'grade' | 'address' | 'capabilities' | 'lat' | 'lon'>;

/**
 * Calls, the board's reading of active tasks, the receiving hospital of a task and which hospital a
 * `hospital` caller speaks for. Each change commits with its audit record.
 */
export class CallRepository {
  private readonly audit: AuditRepository;

  /** `outbox`: the server's one instance, so appends wake its delivery worker (a fresh one otherwise). */
  constructor(
    private readonly db: DataSource,
    private readonly outbox: WebhookOutbox = new WebhookOutbox(db),
  ) {
    this.audit = new AuditRepository(db);
  }

  async create(c: CallRow, actor: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await execute(
        m,
        `INSERT INTO calls (id, state, ring_at, answered_at, dispatcher, lat, lon, input_crs, input_lat, input_lon, address, priority,
           chief_complaint, required_capabilities)
         VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [c.id, c.ringAt === null ? null : toIso(c.ringAt), toIso(c.answeredAt), c.dispatcher, c.location.lat, c.location.lon, c.location.crs,
          c.location.inputLat, c.location.inputLon, c.address, c.priority, c.chiefComplaint, c.requiredCapabilities],
      );
      // The trail keeps who took the call and when, not the patient's complaint.
      await this.audit.append({
        actor, action: 'call.create', subject: `call:${c.id}`,
        detail: { priority: c.priority, answeredAt: toIso(c.answeredAt), ringAt: c.ringAt === null ? null : toIso(c.ringAt), crs: c.location.crs },
      }, m);
    });
  }

  async get(id: string): Promise<CallRow | null> {
    const r = await selectRow<CallColumns>(this.db, `SELECT ${CALL_COLUMNS} FROM calls WHERE id = $1`, [id]);
    return r ? toCall(r) : null;
  }

  /** Calls no unit has been sent for yet (the board orders them). */
  async pending(): Promise<CallRow[]> {
    return (await selectRows<CallColumns>(this.db, `SELECT ${CALL_COLUMNS} FROM calls WHERE state = 'pending' ORDER BY priority, answered_at, id`)).map(toCall);
  }

  /** Task ids of a call, oldest first. */
  async taskIds(callId: string): Promise<string[]> {
    return (await selectRows<{ id: string }>(this.db, `SELECT id FROM tasks WHERE call_id = $1 ORDER BY created_at, id`, [callId])).map((r) => r.id);
  }

  /**
   * Closes a pending call that no unit will serve (未派车), with the reason: the call is `unserved` and
   * an unserved task records it for the indicators (demand satisfaction). Null if the call is not
   * pending (the caller says why). `events`: what goes out by webhook for it, in the same transaction.
   */
  async closeUnserved(callId: string, reason: string, at: number, taskId: string, actor: string, events: (call: CallRow) => EventDraft[] = () => []): Promise<CallRow | null> {
    const closed = await this.db.transaction(async (m) => {
      const r = await selectRow<CallColumns>(m, `SELECT ${CALL_COLUMNS} FROM calls WHERE id = $1 FOR UPDATE`, [callId]);
      if (!r || r.state !== 'pending') return null;
      const c = toCall(r);
      await execute(m, `UPDATE calls SET state = 'unserved', close_reason = $2, closed_at = $3 WHERE id = $1`, [callId, reason, toIso(at)]);
      await execute(
        m,
        `INSERT INTO tasks (id, unit_id, state, priority, emergency, incident_lat, incident_lon, incident_crs, incident_input_lat, incident_input_lon,
           required_capabilities, call_taken_at, call_ring_at, call_answered_at, dispatcher, outcome, outcome_reason, ended_at, call_id)
         VALUES ($1, NULL, 'unserved', $2, true, $3, $4, $5, $6, $7, $8, $9, $10, $9, $11, 'unserved', $12, $13, $14)`,
        [taskId, c.priority, c.location.lat, c.location.lon, c.location.crs, c.location.inputLat, c.location.inputLon, c.requiredCapabilities,
          toIso(c.answeredAt), c.ringAt === null ? null : toIso(c.ringAt), c.dispatcher, reason, toIso(at), callId],
      );
      await this.audit.append({ actor, action: 'call.unserved', subject: `call:${callId}`, detail: { reason, taskId } }, m);
      const out: CallRow = { ...c, state: 'unserved', closeReason: reason, closedAt: at };
      await this.outbox.append(m, events(out));
      return out;
    });
    if (closed) this.outbox.committed();
    return closed;
  }

  /** Every active task with its call and hospital, for the board. */
  async activeTasks(hospitalId: string | null = null): Promise<BoardTaskRow[]> {
    const rows = await selectRows<BoardTaskColumns>(
      this.db,
      `SELECT t.id, t.unit_id, t.station_id, t.priority, t.incident_lat, t.incident_lon, t.required_capabilities, t.call_taken_at,
              t.order_received_at, t.departed_at, t.on_scene_at, t.left_scene_at, t.at_hospital_at, t.dispatcher, t.call_id,
              c.address, c.chief_complaint, h.id AS hospital_id, h.name AS hospital_name, h.lat AS hospital_lat, h.lon AS hospital_lon
         FROM tasks t
         LEFT JOIN calls c ON c.id = t.call_id
         LEFT JOIN hospitals h ON h.id = t.hospital_id
        WHERE t.state = 'active' AND ($1::text IS NULL OR t.hospital_id = $1)
        ORDER BY t.priority, t.call_taken_at, t.id`,
      [hospitalId],
    );
    return rows.map((r) => ({
      taskId: r.id, unitId: r.unit_id, stationId: r.station_id, priority: Number(r.priority),
      incident: { lat: Number(r.incident_lat), lon: Number(r.incident_lon) }, requiredCapabilities: r.required_capabilities ?? [],
      callTakenAt: toMs(r.call_taken_at), orderReceivedAt: toMs(r.order_received_at ?? r.call_taken_at), departedAt: toMsOrNull(r.departed_at),
      onSceneAt: toMsOrNull(r.on_scene_at), leftSceneAt: toMsOrNull(r.left_scene_at), atHospitalAt: toMsOrNull(r.at_hospital_at),
      dispatcher: r.dispatcher, callId: r.call_id, address: r.address, chiefComplaint: r.chief_complaint,
      hospital: r.hospital_id === null ? null : { id: r.hospital_id, name: r.hospital_name ?? r.hospital_id, lat: Number(r.hospital_lat), lon: Number(r.hospital_lon) },
    }));
  }

  /**
   * The receiving hospital of an active task (its name also goes to destination_hospital, which the
   * QC report reads). Null when the task is not active.
   */
  async chooseHospital(
    taskId: string, hospital: { id: string; name: string }, at: number, actor: string,
    events: (t: { unitId: string | null; previous: string | null }) => EventDraft[] = () => [],
  ): Promise<{ previous: string | null } | null> {
    const r = await this.db.transaction(async (m) => {
      const r = await selectRow<{ state: string; hospital_id: string | null; unit_id: string | null }>(m, `SELECT state, hospital_id, unit_id FROM tasks WHERE id = $1 FOR UPDATE`, [taskId]);
      if (!r || r.state !== 'active') return null;
      await execute(m, `UPDATE tasks SET hospital_id = $2, destination_hospital = $3, hospital_chosen_at = $4 WHERE id = $1`, [taskId, hospital.id, hospital.name, toIso(at)]);
      await this.audit.append({ actor, action: 'task.hospital', subject: `task:${taskId}`, detail: { hospitalId: hospital.id, previous: r.hospital_id } }, m);
      await this.outbox.append(m, events({ unitId: r.unit_id, previous: r.hospital_id }));
      return { previous: r.hospital_id };
    });
    if (r) this.outbox.committed();
    return r;
  }

  async hospitalOf(principal: string): Promise<string | null> {
    return (await selectRow<{ hospital_id: string }>(this.db, `SELECT hospital_id FROM hospital_access WHERE principal = $1`, [principal]))?.hospital_id ?? null;
  }

  async hospitalAccess(): Promise<HospitalAccess[]> {
    const rows = await selectRows<{ principal: string; hospital_id: string }>(this.db, `SELECT principal, hospital_id FROM hospital_access ORDER BY principal`);
    return rows.map((r) => ({ principal: r.principal, hospitalId: r.hospital_id }));
  }

  async grantHospital(principal: string, hospitalId: string, actor: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await execute(
        m,
        `INSERT INTO hospital_access (principal, hospital_id) VALUES ($1, $2) ON CONFLICT (principal) DO UPDATE SET hospital_id = EXCLUDED.hospital_id, created_at = now()`,
        [principal, hospitalId],
      );
      await this.audit.append({ actor, action: 'hospital_access.grant', subject: principal, detail: { hospitalId } }, m);
    });
  }

  async revokeHospital(principal: string, actor: string): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const rows = await selectRows<{ principal: string }>(m, `DELETE FROM hospital_access WHERE principal = $1 RETURNING principal`, [principal]);
      if (rows.length) await this.audit.append({ actor, action: 'hospital_access.revoke', subject: principal }, m);
      return rows.length > 0;
    });
  }

  /** The demo's hospitals, written only into an empty hospitals table (a centre's own registry is never touched). */
  async seedHospitalsIfNone(list: readonly DemoHospitalRecord[]): Promise<number> {
    return this.db.transaction(async (m) => {
      const n = await selectRow<{ n: number | string }>(m, `SELECT count(*) AS n FROM hospitals`);
      if (Number(n?.n ?? 0) > 0) return 0;
      for (const h of list) {
        await execute(
          m,
          `INSERT INTO hospitals (id, name, grade, address, capabilities, lat, lon, input_crs, input_lat, input_lon)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'WGS84', $6, $7) ON CONFLICT (id) DO NOTHING`,
          [h.id, h.name, h.grade, h.address, h.capabilities, h.lat, h.lon],
        );
      }
      return list.length;
    });
  }
}
