import type { DataSource, EntityManager } from 'typeorm';
import type { ImportedTask, TaskBatchResult, TasksStore, TasksTx } from '@rescue/registry';
import { AuditRepository } from './audit.repository';
import { numberArrayLiteral, textArrayLiteral } from './pg-array-literal';

/** The lifecycle status each imported time stands for, as task_events store it (domain.md §3). */
const EVENT_OF: ReadonlyArray<[keyof ImportedTask['times'], string]> = [
  ['orderReceivedAt', 'order_received'],
  ['departedAt', 'en_route'],
  ['onSceneAt', 'on_scene'],
  ['leftSceneAt', 'patient_loaded'],
  ['atHospitalAt', 'at_hospital'],
];

const ts = (col: string) => `CASE WHEN ${col} IS NULL THEN NULL ELSE to_timestamp(${col} / 1000.0) END`;

/**
 * Writes of the historical task import: a batch of tasks is one upsert statement (unnest of column
 * arrays, the ingest repository's technique), then the events of the tasks it inserted or changed are
 * replaced in two more. An unchanged task (same values) is not touched: a re-import writes nothing.
 */
export class ImportedTasksRepository {
  async upsert(m: EntityManager, batch: ImportedTask[]): Promise<TaskBatchResult> {
    const col = <T>(f: (t: ImportedTask) => T): T[] => batch.map(f);
    const times = (f: keyof ImportedTask['times']) => numberArrayLiteral(col((t) => t.times[f]));
    const rows: Array<{ id: string; inserted: boolean }> = await m.query(
      `INSERT INTO tasks (id, external_id, source, unit_id, station_id, state, outcome, outcome_reason, priority, emergency, dispatcher,
          call_type, destination_hospital, incident_lat, incident_lon, incident_crs, incident_input_lat, incident_input_lon, call_taken_at,
          call_ring_at, call_answered_at, order_sent_at, order_received_at, departed_at, on_scene_at, left_scene_at, at_hospital_at, ended_at)
       SELECT id, ext, 'import', unit, station, state, outcome, reason, prio, emerg, disp, ctype, hosp, lat, lon, crs, ilat, ilon, to_timestamp(taken / 1000.0),
          ${ts('ring')}, ${ts('ans')}, ${ts('sent')}, ${ts('recv')}, ${ts('dep')}, ${ts('scene')}, ${ts('loaded')}, ${ts('hosp_at')}, ${ts('ended')}
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::boolean[], $10::text[],
                   $11::text[], $12::text[], $13::float8[], $14::float8[], $15::text[], $16::float8[], $17::float8[], $18::float8[],
                   $19::float8[], $20::float8[], $21::float8[], $22::float8[], $23::float8[], $24::float8[], $25::float8[], $26::float8[], $27::float8[])
         AS x(id, ext, unit, station, state, outcome, reason, prio, emerg, disp, ctype, hosp, lat, lon, crs, ilat, ilon, taken,
              ring, ans, sent, recv, dep, scene, loaded, hosp_at, ended)
       ON CONFLICT (id) DO UPDATE SET
         unit_id = EXCLUDED.unit_id, station_id = EXCLUDED.station_id, state = EXCLUDED.state, outcome = EXCLUDED.outcome,
         outcome_reason = EXCLUDED.outcome_reason, priority = EXCLUDED.priority, emergency = EXCLUDED.emergency, dispatcher = EXCLUDED.dispatcher,
         call_type = EXCLUDED.call_type, destination_hospital = EXCLUDED.destination_hospital, incident_lat = EXCLUDED.incident_lat,
         incident_lon = EXCLUDED.incident_lon, incident_crs = EXCLUDED.incident_crs, incident_input_lat = EXCLUDED.incident_input_lat,
         incident_input_lon = EXCLUDED.incident_input_lon, call_taken_at = EXCLUDED.call_taken_at, call_ring_at = EXCLUDED.call_ring_at,
         call_answered_at = EXCLUDED.call_answered_at, order_sent_at = EXCLUDED.order_sent_at, order_received_at = EXCLUDED.order_received_at,
         departed_at = EXCLUDED.departed_at, on_scene_at = EXCLUDED.on_scene_at, left_scene_at = EXCLUDED.left_scene_at,
         at_hospital_at = EXCLUDED.at_hospital_at, ended_at = EXCLUDED.ended_at
       WHERE tasks.source = 'import' AND (tasks.unit_id, tasks.station_id, tasks.state, tasks.outcome, tasks.outcome_reason, tasks.priority, tasks.emergency,
         tasks.dispatcher, tasks.call_type, tasks.destination_hospital, tasks.incident_lat, tasks.incident_lon, tasks.incident_crs,
         tasks.incident_input_lat, tasks.incident_input_lon, tasks.call_taken_at, tasks.call_ring_at, tasks.call_answered_at, tasks.order_sent_at,
         tasks.order_received_at, tasks.departed_at, tasks.on_scene_at, tasks.left_scene_at, tasks.at_hospital_at, tasks.ended_at)
         IS DISTINCT FROM (EXCLUDED.unit_id, EXCLUDED.station_id, EXCLUDED.state, EXCLUDED.outcome, EXCLUDED.outcome_reason, EXCLUDED.priority,
         EXCLUDED.emergency, EXCLUDED.dispatcher, EXCLUDED.call_type, EXCLUDED.destination_hospital, EXCLUDED.incident_lat, EXCLUDED.incident_lon,
         EXCLUDED.incident_crs, EXCLUDED.incident_input_lat, EXCLUDED.incident_input_lon, EXCLUDED.call_taken_at, EXCLUDED.call_ring_at,
         EXCLUDED.call_answered_at, EXCLUDED.order_sent_at, EXCLUDED.order_received_at, EXCLUDED.departed_at, EXCLUDED.on_scene_at,
         EXCLUDED.left_scene_at, EXCLUDED.at_hospital_at, EXCLUDED.ended_at)
       RETURNING id, (xmax = 0) AS inserted`,
      [
        textArrayLiteral(col((t) => t.id)), textArrayLiteral(col((t) => t.externalId)), textArrayLiteral(col((t) => t.unitId)),
        textArrayLiteral(col((t) => t.stationId)), textArrayLiteral(col((t) => t.state)), textArrayLiteral(col((t) => t.outcome)),
        textArrayLiteral(col((t) => t.outcomeReason)), numberArrayLiteral(col((t) => t.priority)), textArrayLiteral(col((t) => (t.emergency ? 't' : 'f'))),
        textArrayLiteral(col((t) => t.dispatcher)), textArrayLiteral(col((t) => t.callType)), textArrayLiteral(col((t) => t.hospital)),
        numberArrayLiteral(col((t) => t.lat)), numberArrayLiteral(col((t) => t.lon)), textArrayLiteral(col((t) => t.inputCrs)),
        numberArrayLiteral(col((t) => t.inputLat)), numberArrayLiteral(col((t) => t.inputLon)), numberArrayLiteral(col((t) => t.callTakenAt)),
        times('callRingAt'), times('callAnsweredAt'), times('orderSentAt'), times('orderReceivedAt'), times('departedAt'),
        times('onSceneAt'), times('leftSceneAt'), times('atHospitalAt'), times('endedAt'),
      ],
    );
    const touched = new Set(rows.map((r) => r.id));
    const inserted = rows.filter((r) => r.inserted === true || (r.inserted as unknown) === 't').length;
    if (touched.size > 0) await this.replaceEvents(m, batch.filter((t) => touched.has(t.id)), rows.length > inserted);
    return { inserted, updated: rows.length - inserted, unchanged: batch.length - rows.length };
  }

  private async replaceEvents(m: EntityManager, tasks: ImportedTask[], anyUpdated: boolean): Promise<void> {
    if (anyUpdated) await m.query(`DELETE FROM task_events WHERE source = 'import' AND task_id = ANY($1::text[])`, [textArrayLiteral(tasks.map((t) => t.id))]);
    const task: string[] = [], unit: string[] = [], from: Array<string | null> = [], to: string[] = [], at: number[] = [], reason: Array<string | null> = [];
    for (const t of tasks) {
      if (t.unitId === null) continue;
      let prev: string | null = null;
      const push = (status: string, when: number, why: string | null) => {
        task.push(t.id); unit.push(t.unitId!); from.push(prev); to.push(status); at.push(when); reason.push(why);
        prev = status;
      };
      for (const [f, status] of EVENT_OF) if (t.times[f] !== null) push(status, t.times[f]!, null);
      if (t.outcome !== null && t.times.endedAt !== null) push(t.outcome, t.times.endedAt, t.outcomeReason);
    }
    if (task.length === 0) return;
    await m.query(
      `INSERT INTO task_events (task_id, unit_id, from_status, to_status, ts, source, reason)
       SELECT t, u, f, s, to_timestamp(a / 1000.0), 'import', r FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::text[]) AS x(t, u, f, s, a, r)`,
      [textArrayLiteral(task), textArrayLiteral(unit), textArrayLiteral(from), textArrayLiteral(to), numberArrayLiteral(at), textArrayLiteral(reason)],
    );
  }
}

interface ForeignKey {
  tbl: string;
  name: string;
  def: string;
}

/**
 * An exclusive import's references, checked once at its end. The writes' per-row foreign-key checks
 * (task_events → tasks and units, tasks → units: about 10 µs a row each, locking every referenced row)
 * were two thirds of a batch's time on PostgreSQL, with no way to batch them; dropping the keys in the
 * transaction and adding them back at its end checks every row in one anti-join. DDL is transactional:
 * a failed or dry-run import rolls the keys back with everything else. The price: the tables are held
 * alone (ACCESS EXCLUSIVE, as dropping a key needs) until commit.
 */
async function dropForeignKeys(m: EntityManager): Promise<ForeignKey[]> {
  await m.query(`SET LOCAL lock_timeout = '30s'`);
  await m.query(`LOCK TABLE units, tasks, task_events IN ACCESS EXCLUSIVE MODE`);
  const keys: ForeignKey[] = await m.query(
    `SELECT conrelid::regclass::text AS tbl, format('%I', conname) AS name, pg_get_constraintdef(oid) AS def
     FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('tasks'::regclass, 'task_events'::regclass) ORDER BY conrelid, conname`,
  );
  for (const k of keys) await m.query(`ALTER TABLE ${k.tbl} DROP CONSTRAINT ${k.name}`);
  return keys;
}

async function restoreForeignKeys(m: EntityManager, keys: ForeignKey[]): Promise<void> {
  for (const k of keys) await m.query(`ALTER TABLE ${k.tbl} ADD CONSTRAINT ${k.name} ${k.def}`);
}

/** The task import's store over the database: one transaction, one audit record for the import. */
export function importedTasksStore(db: DataSource): TasksStore {
  const repo = new ImportedTasksRepository();
  const audit = new AuditRepository(db);
  return {
    transaction: <T>(work: (tx: TasksTx) => Promise<T>, opts?: { exclusive?: boolean }) =>
      db.transaction(async (m) => {
        const keys = opts?.exclusive ? await dropForeignKeys(m) : [];
        const result = await work({
          units: async () => {
            const rows: Array<{ id: string; station_id: string | null }> = await m.query(`SELECT id, station_id FROM units`);
            return new Map(rows.map((r) => [r.id, r.station_id]));
          },
          upsertTasks: (batch) => repo.upsert(m, batch),
          auditImport: (actor, detail) => audit.append({ actor, action: 'tasks.import', subject: 'tasks:import', detail }, m),
        });
        await restoreForeignKeys(m, keys);
        return result;
      }),
  };
}
