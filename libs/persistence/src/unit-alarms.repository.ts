import type { EntityManager } from 'typeorm';
import { type AlarmReport, type AlarmState, alarmTransitions, jt808AlarmBit } from '@rescue/telemetry';
import { type DbBigint, type DbTimestamp, selectRows, toIso, toMs, toMsOrNull } from './rows';
import type { Queryable } from './timescale';

/** One location report's alarm flags, as ingest hands it to the batch. */
export interface AlarmReportRow extends AlarmReport {
  unitId: string;
  receivedAt: number;
}

/** An alarm episode of a unit, as the API shows it. */
export interface UnitAlarmRow {
  id: number;
  unitId: string;
  bit: number;
  code: string;
  raisedAt: number;
  clearedAt: number | null;
  lat: number | null;
  lon: number | null;
  /** Found in a late re-upload (a blind-area batch): already over when it arrived. */
  late: boolean;
  receivedAt: number;
}

interface AlarmDbRow {
  id: DbBigint;
  unit_id: string;
  bit: number;
  code: string;
  raised_at: DbTimestamp;
  cleared_at: DbTimestamp | null;
  lat: number | null;
  lon: number | null;
  late: boolean;
  received_at: DbTimestamp;
}

const toRow = (r: AlarmDbRow): UnitAlarmRow => ({
  id: Number(r.id), unitId: r.unit_id, bit: Number(r.bit), code: r.code, raisedAt: toMs(r.raised_at), clearedAt: toMsOrNull(r.cleared_at),
  lat: r.lat === null ? null : Number(r.lat), lon: r.lon === null ? null : Number(r.lon), late: r.late, receivedAt: toMs(r.received_at),
});

/**
 * Alarm episodes of units (JT/T 808 alarm flags). `apply` runs inside the ingest batch's transaction:
 * the units' states are locked, the pure alarmTransitions decides, and the episodes it raises or
 * clears come back so the live views can be told after the commit.
 */
export class UnitAlarmsRepository {
  constructor(private readonly db: Queryable) {}

  async apply(m: EntityManager, reports: readonly AlarmReportRow[]): Promise<UnitAlarmRow[]> {
    if (reports.length === 0) return [];
    const byUnit = new Map<string, AlarmReportRow[]>();
    for (const r of reports) {
      const list = byUnit.get(r.unitId);
      if (list) list.push(r);
      else byUnit.set(r.unitId, [r]);
    }
    const states = await selectRows<{ unit_id: string; flags: DbBigint; ts: DbTimestamp }>(
      m, `SELECT unit_id, flags, ts FROM unit_alarm_state WHERE unit_id = ANY($1::text[]) ORDER BY unit_id FOR UPDATE`, [[...byUnit.keys()]],
    );
    const prevOf = new Map<string, AlarmState>(states.map((s) => [s.unit_id, { flags: Number(s.flags), ts: toMs(s.ts) }]));
    const changed: UnitAlarmRow[] = [];
    const nextStates: Array<{ unitId: string; flags: number; ts: number }> = [];
    for (const [unitId, list] of byUnit) {
      const prev = prevOf.get(unitId) ?? null;
      const t = alarmTransitions(prev, list);
      const receivedAt = Math.max(...list.map((r) => r.receivedAt));
      for (const a of t.raised) {
        // A late episode inside one already stored (a resent batch, or a re-upload of reports seen live) adds nothing.
        const rows = await selectRows<AlarmDbRow>(m,
          `INSERT INTO unit_alarms (unit_id, bit, code, raised_at, cleared_at, lat, lon, late, received_at)
           SELECT $1::text, $2::smallint, $3::text, $4::timestamptz, $5::timestamptz, $6::float8, $7::float8, $8::boolean, $9::timestamptz
            WHERE NOT $8::boolean OR NOT EXISTS (
              SELECT 1 FROM unit_alarms WHERE unit_id = $1::text AND bit = $2::smallint AND raised_at <= $4::timestamptz AND (cleared_at IS NULL OR cleared_at >= $4::timestamptz))
           ON CONFLICT DO NOTHING
           RETURNING *`,
          [unitId, a.bit, jt808AlarmBit(a.bit).code, toIso(a.ts), a.clearedTs === null ? null : toIso(a.clearedTs), a.lat, a.lon, a.late, toIso(receivedAt)]);
        for (const r of rows) changed.push(toRow(r));
      }
      for (const c of t.cleared) {
        const rows = await selectRows<AlarmDbRow>(m,
          // in a CTE: TypeORM hands an UPDATE's RETURNING back as [rows, count]
          `WITH u AS (UPDATE unit_alarms SET cleared_at = $3 WHERE unit_id = $1 AND bit = $2 AND cleared_at IS NULL RETURNING *) SELECT * FROM u`,
          [unitId, c.bit, toIso(c.ts)]);
        for (const r of rows) changed.push(toRow(r));
      }
      // The newest report's time too, not only changed flags: it is what tells a late re-upload from a live report.
      if (t.next && (prev === null || t.next.ts > prev.ts)) nextStates.push({ unitId, ...t.next });
    }
    if (nextStates.length > 0) {
      await m.query(
        `INSERT INTO unit_alarm_state (unit_id, flags, ts)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[])
         ON CONFLICT (unit_id) DO UPDATE SET flags = EXCLUDED.flags, ts = EXCLUDED.ts WHERE unit_alarm_state.ts < EXCLUDED.ts`,
        [nextStates.map((s) => s.unitId), nextStates.map((s) => s.flags), nextStates.map((s) => toIso(s.ts))],
      );
    }
    return changed;
  }

  /** A unit's alarm episodes, newest first (only the open ones with activeOnly). */
  async forUnit(unitId: string, opts: { activeOnly?: boolean; limit?: number } = {}): Promise<UnitAlarmRow[]> {
    const rows = await selectRows<AlarmDbRow>(this.db,
      `SELECT * FROM unit_alarms WHERE unit_id = $1 ${opts.activeOnly ? 'AND cleared_at IS NULL' : ''} ORDER BY raised_at DESC, id DESC LIMIT $2`,
      [unitId, opts.limit ?? 100]);
    return rows.map(toRow);
  }

  /** Every open alarm of the fleet, newest first. */
  async active(limit = 1000): Promise<UnitAlarmRow[]> {
    const rows = await selectRows<AlarmDbRow>(this.db, `SELECT * FROM unit_alarms WHERE cleared_at IS NULL ORDER BY raised_at DESC, id DESC LIMIT $1`, [limit]);
    return rows.map(toRow);
  }
}
