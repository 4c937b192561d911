import type { DataSource, EntityManager } from 'typeorm';
import type { FieldChange, HospitalRecord, RegistryKind, RegistryRecord, RegistryStore, RegistryTx, StationRecord, UnitRecord } from '@rescue/registry';
import { AuditRepository } from './audit.repository';
import { selectRows } from './rows';

const num = (v: unknown): number => Number(v);
const numOr = (v: unknown, d: number): number => (v === null || v === undefined ? d : Number(v));

/** Coordinates and counts: numbers from PGlite, numeric as strings from pg. */
type DbNumber = number | string;

/** The registry tables as the driver returns them. */
interface StationDbRow {
  id: string;
  name: string;
  kind: StationRecord['kind'];
  address: string | null;
  area_class: StationRecord['areaClass'];
  lat: DbNumber;
  lon: DbNumber;
  input_crs: StationRecord['inputCrs'];
  input_lat: DbNumber | null;
  input_lon: DbNumber | null;
}
interface UnitDbRow {
  id: string;
  name: string | null;
  plate: string | null;
  station_id: string | null;
  capabilities: string[] | null;
  terminal_kind: UnitRecord['terminalKind'];
  terminal_id: string | null;
}
interface HospitalDbRow {
  id: string;
  name: string;
  grade: HospitalRecord['grade'];
  address: string | null;
  capabilities: string[] | null;
  lat: DbNumber;
  lon: DbNumber;
  input_crs: HospitalRecord['inputCrs'];
  input_lat: DbNumber | null;
  input_lon: DbNumber | null;
}
type RegistryDbRow = StationDbRow | UnitDbRow | HospitalDbRow;

function toStation(r: StationDbRow): StationRecord {
  return { id: r.id, name: r.name, kind: r.kind, address: r.address, areaClass: r.area_class, lat: num(r.lat), lon: num(r.lon), inputCrs: r.input_crs, inputLat: numOr(r.input_lat, num(r.lat)), inputLon: numOr(r.input_lon, num(r.lon)) };
}

function toUnit(r: UnitDbRow): UnitRecord {
  return { id: r.id, name: r.name, plate: r.plate, stationId: r.station_id, capabilities: r.capabilities ?? [], terminalKind: r.terminal_kind, terminalId: r.terminal_id };
}

function toHospital(r: HospitalDbRow): HospitalRecord {
  return { id: r.id, name: r.name, grade: r.grade, address: r.address, capabilities: r.capabilities ?? [], lat: num(r.lat), lon: num(r.lon), inputCrs: r.input_crs, inputLat: numOr(r.input_lat, num(r.lat)), inputLon: numOr(r.input_lon, num(r.lon)) };
}

const SELECT: Record<RegistryKind, string> = {
  stations: `SELECT id, name, kind, address, area_class, lat, lon, input_crs, input_lat, input_lon FROM stations`,
  units: `SELECT id, name, plate, station_id, capabilities, terminal_kind, terminal_id FROM units`,
  hospitals: `SELECT id, name, grade, address, capabilities, lat, lon, input_crs, input_lat, input_lon FROM hospitals`,
};
/** Each kind's SELECT returns that kind's row: the cast is the one place this is taken on trust. */
const MAP: Record<RegistryKind, (r: RegistryDbRow) => RegistryRecord> = {
  stations: (r) => toStation(r as StationDbRow),
  units: (r) => toUnit(r as UnitDbRow),
  hospitals: (r) => toHospital(r as HospitalDbRow),
};
const SUBJECT: Record<RegistryKind, string> = { stations: 'station', units: 'unit', hospitals: 'hospital' };

/** Statements of the registry (stations, units, hospitals), each in the caller's transaction. */
export class RegistryRepository {
  constructor(private readonly db: DataSource) {}

  async list(kind: RegistryKind, m: EntityManager = this.db.manager): Promise<RegistryRecord[]> {
    const rows = await selectRows<RegistryDbRow>(m, `${SELECT[kind]} ORDER BY id`);
    return rows.map(MAP[kind]);
  }

  async byIds(kind: RegistryKind, ids: string[], m: EntityManager): Promise<Map<string, RegistryRecord>> {
    if (ids.length === 0) return new Map();
    const rows = await selectRows<RegistryDbRow>(m, `${SELECT[kind]} WHERE id = ANY($1::text[]) FOR UPDATE`, [ids]);
    return new Map(rows.map((r) => [r.id, MAP[kind](r)]));
  }

  async upsert(kind: RegistryKind, rec: RegistryRecord, m: EntityManager): Promise<void> {
    if (kind === 'stations') {
      const s = rec as StationRecord;
      await m.query(
        `INSERT INTO stations (id, name, kind, address, area_class, lat, lon, input_crs, input_lat, input_lon)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, address = EXCLUDED.address, area_class = EXCLUDED.area_class,
           lat = EXCLUDED.lat, lon = EXCLUDED.lon, input_crs = EXCLUDED.input_crs, input_lat = EXCLUDED.input_lat, input_lon = EXCLUDED.input_lon, updated_at = now()`,
        [s.id, s.name, s.kind, s.address, s.areaClass, s.lat, s.lon, s.inputCrs, s.inputLat, s.inputLon],
      );
    } else if (kind === 'units') {
      // Only the registry's columns: status, presence and task belong to the live fleet and stay.
      const u = rec as UnitRecord;
      await m.query(
        `INSERT INTO units (id, name, plate, station_id, capabilities, terminal_kind, terminal_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, plate = EXCLUDED.plate, station_id = EXCLUDED.station_id,
           capabilities = EXCLUDED.capabilities, terminal_kind = EXCLUDED.terminal_kind, terminal_id = EXCLUDED.terminal_id, updated_at = now()`,
        [u.id, u.name, u.plate, u.stationId, u.capabilities, u.terminalKind, u.terminalId],
      );
    } else {
      const h = rec as HospitalRecord;
      await m.query(
        `INSERT INTO hospitals (id, name, grade, address, capabilities, lat, lon, input_crs, input_lat, input_lon)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, grade = EXCLUDED.grade, address = EXCLUDED.address, capabilities = EXCLUDED.capabilities,
           lat = EXCLUDED.lat, lon = EXCLUDED.lon, input_crs = EXCLUDED.input_crs, input_lat = EXCLUDED.input_lat, input_lon = EXCLUDED.input_lon, updated_at = now()`,
        [h.id, h.name, h.grade, h.address, h.capabilities, h.lat, h.lon, h.inputCrs, h.inputLat, h.inputLon],
      );
    }
  }

  async stationIds(m: EntityManager): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await m.query(`SELECT id FROM stations`);
    return new Set(rows.map((r) => r.id));
  }
}

/**
 * The registry import's store over the database: one transaction per import, and an audit record per
 * created or changed record (with the changed fields) plus one for the import itself, written in that
 * same transaction, as the credential changes are (credential-changes.ts).
 */
export function registryStore(db: DataSource): RegistryStore {
  const repo = new RegistryRepository(db);
  const audit = new AuditRepository(db);
  return {
    transaction: <T>(work: (tx: RegistryTx) => Promise<T>) =>
      db.transaction((m) =>
        work({
          existing: (kind, ids) => repo.byIds(kind, ids, m),
          stationIds: () => repo.stationIds(m),
          upsert: async (kind: RegistryKind, rec: RegistryRecord, action: 'create' | 'update', changes: FieldChange[], actor: string) => {
            await repo.upsert(kind, rec, m);
            await audit.append({ actor, action: `registry.${SUBJECT[kind]}.${action}`, subject: `${SUBJECT[kind]}:${rec.id}`, detail: action === 'create' ? { record: rec } : { changes } }, m);
          },
          auditImport: (kind, actor, detail) => audit.append({ actor, action: 'registry.import', subject: `registry:${kind}`, detail }, m),
        }),
      ),
  };
}
