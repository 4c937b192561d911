import type { DataSource, EntityManager } from 'typeorm';
import type { PopulationChanges, PopulationRow, PopulationStore } from '@rescue/coverage';
import { AuditRepository } from './audit.repository';
import { numberArrayLiteral, textArrayLiteral } from './pg-array-literal';

const BATCH = 5000;

/** A row as the driver gives it: jsonb may come back as text (PGlite). */
type PopulationColumns = Omit<PopulationRow, 'geometry'> & { geometry: PopulationRow['geometry'] | string | null };

/** The stored population (table population_units): replaced whole by an import, read whole by coverage. */
export class PopulationRepository {
  constructor(private readonly db: DataSource | EntityManager) {}

  async replace(rows: PopulationRow[], source: string): Promise<PopulationChanges> {
    let inserted = 0;
    let written = 0;
    for (let i = 0; i < rows.length; i += BATCH) {
      const b = rows.slice(i, i + BATCH);
      const r: Array<{ inserted: boolean | string }> = await this.db.query(
        `INSERT INTO population_units (id, kind, name, population, lat, lon, geometry, source)
         SELECT id, kind, name, pop, lat, lon, geom::jsonb, $8 FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::text[])
           AS x(id, kind, name, pop, lat, lon, geom)
         ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, population = EXCLUDED.population, lat = EXCLUDED.lat,
           lon = EXCLUDED.lon, geometry = EXCLUDED.geometry, source = EXCLUDED.source, updated_at = now()
         WHERE (population_units.kind, population_units.name, population_units.population, population_units.lat, population_units.lon, population_units.geometry)
           IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.name, EXCLUDED.population, EXCLUDED.lat, EXCLUDED.lon, EXCLUDED.geometry)
         RETURNING (xmax = 0) AS inserted`,
        [
          textArrayLiteral(b.map((x) => x.id)), textArrayLiteral(b.map((x) => x.kind)), textArrayLiteral(b.map((x) => x.name)),
          numberArrayLiteral(b.map((x) => x.population)), numberArrayLiteral(b.map((x) => x.lat)), numberArrayLiteral(b.map((x) => x.lon)),
          textArrayLiteral(b.map((x) => (x.geometry ? JSON.stringify(x.geometry) : null))), source,
        ],
      );
      written += r.length;
      inserted += r.filter((x) => x.inserted === true || x.inserted === 't').length;
    }
    // A SELECT around the DELETE: TypeORM answers a bare DELETE with [rows, count], not rows.
    const [gone] = (await this.db.query(`WITH gone AS (DELETE FROM population_units WHERE NOT (id = ANY($1::text[])) RETURNING 1) SELECT count(*)::int AS n FROM gone`, [
      textArrayLiteral(rows.map((x) => x.id)),
    ])) as Array<{ n: number }>;
    return { inserted, updated: written - inserted, unchanged: rows.length - written, deleted: Number(gone!.n) };
  }

  async list(): Promise<PopulationRow[]> {
    const rows: PopulationColumns[] = await this.db.query(`SELECT id, kind, name, population, lat, lon, geometry FROM population_units ORDER BY id`);
    return rows.map((r) => ({
      id: r.id, kind: r.kind, name: r.name, population: Number(r.population), lat: Number(r.lat), lon: Number(r.lon),
      geometry: typeof r.geometry === 'string' ? (JSON.parse(r.geometry) as PopulationRow['geometry']) : r.geometry,
    }));
  }

  /** Changes whenever an import changes anything: coverage re-reads the set then. */
  async version(): Promise<{ units: number; version: string; source: string | null }> {
    const [r] = (await this.db.query(
      `SELECT count(*)::int AS n, coalesce(max(updated_at)::text, '') AS v, coalesce(sum(population), 0)::text AS p, min(source) AS s FROM population_units`,
    )) as Array<{ n: number; v: string; p: string; s: string | null }>;
    return { units: Number(r!.n), version: `${r!.n}/${r!.v}/${r!.p}`, source: r!.s };
  }
}

/** The population import's store: one transaction, audited as population.import. */
export function populationStore(db: DataSource): PopulationStore {
  const audit = new AuditRepository(db);
  return {
    transaction: <T>(work: (tx: Parameters<Parameters<PopulationStore['transaction']>[0]>[0]) => Promise<T>) =>
      db.transaction((m: EntityManager) =>
        work({
          replace: (rows, source) => new PopulationRepository(m).replace(rows, source),
          audit: (actor, detail) => audit.append({ actor, action: 'population.import', subject: 'population', detail }, m),
        }),
      ),
  };
}
