import { DataSource } from 'typeorm';
import type { LiveUnit } from '@rescue/fleet';
import { type DbTimestamp, selectRows } from './rows';

/** A unit as stored, in the shape the live fleet is rebuilt from. */
export type UnitSnapshot = LiveUnit;

export interface StationRow {
  id: string;
  name: string;
  lat: number;
  lon: number;
  areaClass: string;
}

export interface TrackPoint {
  ts: number;
  lat: number;
  lon: number;
  speedKmh: number | null;
  headingDeg: number | null;
}

const ms = (v: DbTimestamp | null): number | null => (v === null ? null : new Date(v).getTime());

/** A fix as the driver returns it (double precision and real come back as numbers, numeric as strings). */
interface FixDbRow {
  ts: DbTimestamp;
  lat: number | string;
  lon: number | string;
  speed_kmh: number | string | null;
  heading_deg: number | string | null;
}

/** A unit with its latest fix (all fix columns null without one). */
interface UnitSnapshotDbRow extends Omit<FixDbRow, 'ts' | 'lat' | 'lon'> {
  id: string;
  name: string | null;
  station_id: string | null;
  capabilities: string[] | null;
  status: string | null;
  status_ts: DbTimestamp | null;
  task_id: string | null;
  online: boolean | null;
  ts: DbTimestamp | null;
  lat: number | string | null;
  lon: number | string | null;
}

interface StationDbRow {
  id: string;
  name: string;
  lat: number | string;
  lon: number | string;
  area_class: string;
}
const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

/** Reads of the fleet: the snapshot the live store is rebuilt from, tracks for replay, stations. */
export class FleetRepository {
  constructor(private readonly db: DataSource) {}

  async snapshot(): Promise<UnitSnapshot[]> {
    const rows = await selectRows<UnitSnapshotDbRow>(this.db, `
      SELECT u.id, u.name, u.station_id, u.capabilities, u.status, u.status_ts, u.task_id, u.online,
             p.ts, p.lat, p.lon, p.speed_kmh, p.heading_deg
      FROM units u
      LEFT JOIN LATERAL (
        SELECT ts, lat, lon, speed_kmh, heading_deg FROM unit_positions
        WHERE unit_id = u.id ORDER BY ts DESC LIMIT 1) p ON true
      ORDER BY u.id`);
    return rows.map((r) => ({
      unitId: r.id,
      name: r.name,
      stationId: r.station_id,
      capabilities: r.capabilities ?? [],
      status: r.status,
      statusTs: ms(r.status_ts),
      taskId: r.task_id,
      online: r.online === true,
      lastFix:
        r.ts === null || r.lat === null || r.lon === null
          ? null
          : { ts: ms(r.ts)!, lat: Number(r.lat), lon: Number(r.lon), speedKmh: num(r.speed_kmh), headingDeg: num(r.heading_deg) },
    }));
  }

  /** Stored fixes of one unit in [from, to), oldest first, at most `limit` of them. */
  async track(unitId: string, from: number, to: number, limit: number): Promise<TrackPoint[]> {
    const rows = await selectRows<FixDbRow>(
      this.db,
      `SELECT ts, lat, lon, speed_kmh, heading_deg FROM unit_positions
       WHERE unit_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts LIMIT $4`,
      [unitId, new Date(from).toISOString(), new Date(to).toISOString(), limit],
    );
    return rows.map((r) => ({
      ts: ms(r.ts)!,
      lat: Number(r.lat),
      lon: Number(r.lon),
      speedKmh: num(r.speed_kmh),
      headingDeg: num(r.heading_deg),
    }));
  }

  async unitExists(unitId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM units WHERE id = $1`, [unitId]);
    return rows.length > 0;
  }

  async stations(): Promise<StationRow[]> {
    const rows = await selectRows<StationDbRow>(this.db, `SELECT id, name, lat, lon, area_class FROM stations ORDER BY id`);
    return rows.map((r) => ({ id: r.id, name: r.name, lat: Number(r.lat), lon: Number(r.lon), areaClass: r.area_class }));
  }

  /** Seeds demo data idempotently: existing rows are left as they are. */
  async seed(stations: StationRow[], units: Array<{ id: string; name: string; stationId: string; capabilities: string[] }>): Promise<void> {
    await this.db.transaction(async (m) => {
      for (const s of stations) {
        await m.query(
          `INSERT INTO stations (id, name, lat, lon, area_class) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
          [s.id, s.name, s.lat, s.lon, s.areaClass],
        );
      }
      for (const u of units) {
        await m.query(
          `INSERT INTO units (id, name, station_id, capabilities) VALUES ($1, $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET name = coalesce(units.name, EXCLUDED.name),
             station_id = coalesce(units.station_id, EXCLUDED.station_id)`,
          [u.id, u.name, u.stationId, u.capabilities],
        );
      }
    });
  }

  async deadLetterCounts(): Promise<Record<string, number>> {
    const rows: Array<{ reason: string; n: string }> = await this.db.query(
      `SELECT reason, count(*)::text AS n FROM ingest_dead_letters GROUP BY reason`,
    );
    return Object.fromEntries(rows.map((r) => [r.reason, Number(r.n)]));
  }
}
