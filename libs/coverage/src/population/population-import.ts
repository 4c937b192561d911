import type { DemandCrs } from '../demand';
import { type AreaGeometry, type PopulationFormat, populationFormatOf, type PopulationInput, populationToWgs84, readPopulation } from './population-input';

/** One stored population unit: a census area (its boundary) or a raster cell (a point). */
export interface PopulationRow {
  id: string;
  kind: 'area' | 'cell';
  name: string | null;
  population: number;
  lat: number;
  lon: number;
  geometry: AreaGeometry | null;
}

export interface PopulationChanges {
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

export interface PopulationTx {
  /** The stored set becomes exactly `rows` (upsert by id, the rest deleted); unchanged rows are not written. */
  replace(rows: PopulationRow[], source: string): Promise<PopulationChanges>;
  audit(actor: string, detail: Record<string, unknown>): Promise<void>;
}

export interface PopulationStore {
  /** One transaction; a throw rolls it back. */
  transaction<T>(work: (tx: PopulationTx) => Promise<T>): Promise<T>;
}

export interface PopulationImportOptions {
  crs: DemandCrs;
  dryRun: boolean;
  actor: string;
  source: string;
  format?: PopulationFormat;
}

export interface PopulationImportResult extends PopulationChanges {
  kind: 'population';
  dryRun: boolean;
  format: PopulationFormat;
  areas: number;
  cells: number;
  totalPopulation: number;
  applied: boolean;
  /** Whole-file problems throw (CoverageError naming row and column); nothing is half-applied. */
  errors: [];
}

class DryRun extends Error {
  constructor(readonly result: PopulationImportResult) {
    super('dry run');
  }
}

/** The rows a population input is stored as (WGS-84). */
export function populationRows(p: PopulationInput): PopulationRow[] {
  const rows: PopulationRow[] = p.cells.map((c) => ({ id: `cell:${c.id}`, kind: 'cell', name: null, population: c.population, lat: c.lat, lon: c.lon, geometry: null }));
  for (const a of p.areas) {
    const polys = a.geometry.type === 'Polygon' ? [a.geometry.coordinates] : a.geometry.coordinates;
    const outer = polys.flatMap((poly) => poly[0]!);
    const lons = outer.map((q) => q[0]);
    const lats = outer.map((q) => q[1]);
    rows.push({ id: `area:${a.id}`, kind: 'area', name: a.name, population: a.population, lat: (Math.min(...lats) + Math.max(...lats)) / 2, lon: (Math.min(...lons) + Math.max(...lons)) / 2, geometry: a.geometry });
  }
  return rows;
}

/** Back from stored rows to an input (ids without their kind prefix). */
export function populationFromRows(rows: readonly PopulationRow[], source: string): PopulationInput {
  const bare = (id: string) => id.replace(/^(cell|area):/, '');
  return {
    source,
    cells: rows.filter((r) => r.kind === 'cell').map((r) => ({ id: bare(r.id), lat: r.lat, lon: r.lon, population: r.population })),
    areas: rows.filter((r) => r.kind === 'area' && r.geometry).map((r) => ({ id: bare(r.id), name: r.name ?? bare(r.id), population: r.population, geometry: r.geometry! })),
  };
}

/**
 * `npm run import -- population <file>` and POST /admin/import/population: a census-area file or a
 * population raster replaces the stored population in one transaction (a bad row changes nothing; a
 * re-import of the same file writes nothing); coverage then counts people. A dry run rolls back.
 */
export async function importPopulation(store: PopulationStore, bytes: Uint8Array, opts: PopulationImportOptions): Promise<PopulationImportResult> {
  const read = await readPopulation(bytes, opts.source, opts.format);
  const input = populationToWgs84(read, opts.crs);
  const rows = populationRows(input);
  const result: PopulationImportResult = {
    kind: 'population', dryRun: opts.dryRun, format: opts.format ?? populationFormatOf(bytes),
    areas: input.areas.length, cells: input.cells.length, totalPopulation: rows.reduce((s, r) => s + r.population, 0),
    inserted: 0, updated: 0, unchanged: 0, deleted: 0, applied: false, errors: [],
  };
  try {
    return await store.transaction(async (tx) => {
      Object.assign(result, await tx.replace(rows, input.source));
      if (opts.dryRun) throw new DryRun(result);
      if (result.inserted + result.updated + result.deleted > 0) {
        await tx.audit(opts.actor, { source: opts.source, crs: opts.crs, areas: result.areas, cells: result.cells, totalPopulation: result.totalPopulation, inserted: result.inserted, updated: result.updated, deleted: result.deleted });
      }
      result.applied = true;
      return result;
    });
  } catch (e) {
    if (e instanceof DryRun) return e.result;
    throw e;
  }
}

export function describePopulationImport(r: PopulationImportResult): string[] {
  return [
    `population: ${r.areas} 个区域，${r.cells} 个栅格单元，共 ${Math.round(r.totalPopulation).toLocaleString('en')} 人；新增 ${r.inserted}，修改 ${r.updated}，未变 ${r.unchanged}，删除 ${r.deleted}；` +
      (r.dryRun ? '试运行，未写入 (dry run: nothing written)' : r.applied ? '已写入 (applied)' : '未写入'),
  ];
}
