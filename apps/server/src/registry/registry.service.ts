import { Inject, Injectable } from '@nestjs/common';
import { type Readable, Transform } from 'node:stream';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { DomainError } from '@rescue/common';
import type { AppConfig } from '@rescue/config';
import { CoverageError, DEMAND_CRS, type DemandCrs, importPopulation, type PopulationFormat, type PopulationImportResult } from '@rescue/coverage';
import { importedTasksStore, PopulationRepository, populationStore, RegistryRepository, registryStore } from '@rescue/persistence';
import { ImportError, importRequest, importRegistry, importTasks, type RegistryKind, type RegistryRecord } from '@rescue/registry';
import { APP_CONFIG } from '../config.module';
import { ROOT_LOGGER } from '../logging/root-logger';

/** The uploaded file is over HTTP_MAX_IMPORT_BYTES (413). */
export class ImportTooLarge extends DomainError<'BODY_TOO_LARGE'> {
  constructor(message: string) {
    super('BODY_TOO_LARGE', message);
  }
}

/** A stream that fails once more than `max` bytes went through (the upload is never held whole). */
function capped(input: Readable, max: number): Readable {
  let n = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      n += chunk.length;
      if (n > max) done(new ImportTooLarge(`file larger than ${max} bytes (HTTP_MAX_IMPORT_BYTES)`));
      else done(null, chunk);
    },
  });
  input.on('error', (e) => t.destroy(e));
  return input.pipe(t);
}

@Injectable()
export class RegistryService {
  private readonly log: Logger;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.log = root.child({ module: 'registry' });
  }

  list(kind: RegistryKind): Promise<RegistryRecord[]> {
    return new RegistryRepository(this.db).list(kind);
  }

  /** The same import path as `npm run import` with DATABASE_URL (libs/registry over libs/persistence). */
  async importStream(raw: Parameters<typeof importRequest>[0], body: Readable, actor: string, source: string): Promise<unknown> {
    const r = importRequest(raw);
    const input = capped(body, this.cfg.httpMaxImportBytes);
    const started = Date.now();
    const result = r.kind === 'tasks'
      ? await importTasks(importedTasksStore(this.db), input, { ...r, actor, source, onProgress: (rows) => this.log.debug({ rows }, 'task import progress') })
      : await importRegistry(registryStore(this.db), r.kind, input, { ...r, actor, source });
    const counts = Object.fromEntries(Object.entries(result).filter(([, v]) => typeof v !== 'object'));
    this.log.info({ source, actor, ms: Date.now() - started, errors: result.errors.length, ...counts }, 'import');
    return result;
  }

  /**
   * The centre's population (census areas or a raster) replaces the stored one; coverage counts people
   * from then on. The file is read whole (a GeoTIFF is not streamable), within HTTP_MAX_IMPORT_BYTES.
   */
  async importPopulation(raw: { crs?: unknown; dryRun?: unknown; format?: unknown }, body: Readable, actor: string, source: string): Promise<PopulationImportResult> {
    const crs = raw.crs ?? 'WGS84';
    if (typeof crs !== 'string' || !(DEMAND_CRS as readonly string[]).includes(crs)) throw new ImportError(`crs: one of ${DEMAND_CRS.join(', ')} (got ${JSON.stringify(crs)})`);
    const format = raw.format;
    if (format !== undefined && format !== 'geotiff' && format !== 'geojson' && format !== 'csv') throw new ImportError(`format: geotiff, geojson or csv (got ${JSON.stringify(format)})`);
    const d = raw.dryRun;
    const dryRun = d === true || d === 'true' || d === '1';
    const chunks: Buffer[] = [];
    for await (const c of capped(body, this.cfg.httpMaxImportBytes)) chunks.push(c as Buffer);
    const started = Date.now();
    try {
      const r = await importPopulation(populationStore(this.db), new Uint8Array(Buffer.concat(chunks)), { crs: crs as DemandCrs, dryRun, actor, source, ...(format ? { format: format as PopulationFormat } : {}) });
      this.log.info({ source, actor, ms: Date.now() - started, areas: r.areas, cells: r.cells, inserted: r.inserted, updated: r.updated, deleted: r.deleted, dryRun }, 'population import');
      return r;
    } catch (e) {
      if (e instanceof CoverageError) throw new ImportError(e.message);
      throw e;
    }
  }

  /** What is stored: the count of areas and cells and the people in them. */
  async population(): Promise<{ areas: number; cells: number; totalPopulation: number; source: string | null }> {
    const rows = await new PopulationRepository(this.db).list();
    const v = await new PopulationRepository(this.db).version();
    return { areas: rows.filter((r) => r.kind === 'area').length, cells: rows.filter((r) => r.kind === 'cell').length, totalPopulation: rows.reduce((s, r) => s + r.population, 0), source: v.source };
  }
}
