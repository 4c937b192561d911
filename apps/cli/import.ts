// npm run import -- stations|units|hospitals|tasks|population <file> [--crs WGS84|GCJ02|BD09] [--mapping columns.json]
//                   [--dry-run] [--exclusive] [--format csv|xlsx|geojson] [--json]
// A centre's own data (issue 13). With DATABASE_URL it imports into the database directly; without, through
// the running embedded server's admin API (RC_API_URL, RC_API_KEY), which holds the single-process PGlite.
// Both run the same import (libs/registry over libs/persistence).
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig } from '@rescue/config';
import { type AdminApi, adminApi, CliError, refusalText, runCli } from './admin-api';
import { CoverageError, DEMAND_CRS, type DemandCrs, describePopulationImport, importPopulation, type PopulationImportResult } from '@rescue/coverage';
import { closeDatabase, importedTasksStore, openDatabase, populationStore, registryStore } from '@rescue/persistence';
import {
  describeRegistryImport, describeTasksImport, formatFromName, ImportError, importRegistry, importRequest, type ImportRequest, importTasks,
  MappingError, type RegistryImportResult, TableError, type TasksImportResult,
} from '@rescue/registry';


const USAGE = `usage: npm run import -- stations|units|hospitals|tasks|population <file> [options]
  <file>              CSV (UTF-8 or GBK), XLSX (first sheet) or GeoJSON (stations, hospitals); row 1 names the columns
                      population: census areas (GeoJSON polygons, or CSV with a WKT column 边界 and 人口) or a
                      GeoTIFF raster of people per cell (EPSG:4326 or 3857); replaces the stored population
  --crs SYSTEM        coordinates in the file: WGS84 (GPS, default), GCJ02 (高德/腾讯), BD09 (百度)
  --mapping FILE      columns.json: {"field": "column header"} for headers other than the defaults (docs/registry.md)
  --dry-run           check every row and show what would change; write nothing
  --exclusive         tasks: hold the task tables alone and check references once at the end (1.2–1.7× as
                      fast for a large history; live dispatch waits until the import commits: before go-live or off-peak)
  --format FORMAT     csv, xlsx or geojson when the file name does not say
  --json              print the full result as JSON
Stations, units and hospitals are applied whole or not at all; historical tasks import the good rows and list
the rejected ones. Re-importing the same file changes nothing.
Without DATABASE_URL: the embedded server's admin API at RC_API_URL (default http://127.0.0.1:<PORT>) with
RC_API_KEY (default: the demo's DATA_DIR/admin-api-key).`;

const out = (s: string): boolean => process.stdout.write(s + '\n');

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new CliError(`${name} needs a value`);
  return v;
}

type Result = RegistryImportResult | TasksImportResult | PopulationImportResult;

const MAX_POPULATION_FILE = 512 * 2 ** 20;

async function populationViaDatabase(databaseUrl: string, crs: string, dryRun: boolean, file: string): Promise<PopulationImportResult> {
  if (!(DEMAND_CRS as readonly string[]).includes(crs)) throw new CliError(`--crs: one of ${DEMAND_CRS.join(', ')}`);
  if (statSync(file).size > MAX_POPULATION_FILE) throw new CliError(`${file}: larger than 512 MB; aggregate the raster first`);
  const { dataSource } = await openDatabase({ databaseUrl, pgliteDir: '' });
  try {
    return await importPopulation(populationStore(dataSource), new Uint8Array(readFileSync(file)), { crs: crs as DemandCrs, dryRun, actor: 'system:cli', source: basename(file) });
  } catch (e) {
    if (e instanceof CoverageError) throw new CliError(e.message);
    throw e;
  } finally {
    await closeDatabase(dataSource);
  }
}

async function viaDatabase(databaseUrl: string, r: ImportRequest, file: string): Promise<Result> {
  const { dataSource } = await openDatabase({ databaseUrl, pgliteDir: '' });
  try {
    const input = createReadStream(file);
    const opts = { ...r, actor: 'system:cli', source: basename(file) };
    let last = Date.now();
    const onProgress = (rows: number) => {
      if (Date.now() - last < 2000) return;
      last = Date.now();
      process.stderr.write(`  ${rows} 行… (rows read)\n`);
    };
    return r.kind === 'tasks' ? await importTasks(importedTasksStore(dataSource), input, { ...opts, onProgress }) : await importRegistry(registryStore(dataSource), r.kind, input, opts);
  } finally {
    await closeDatabase(dataSource);
  }
}

/** POSTs the file to /admin/import/<path> on the running server; the parsed JSON answer. */
async function post(api: AdminApi, path: string, file: string): Promise<unknown> {
  const res = await api.call('POST', `/admin/import/${path}`, {
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(statSync(file).size) },
    body: Readable.toWeb(createReadStream(file)) as unknown as RequestInit['body'],
  });
  if (res.status !== 200) throw new CliError(`import refused (HTTP ${res.status}): ${refusalText(res)}`);
  return res.body;
}

async function viaApi(api: AdminApi, r: ImportRequest, file: string): Promise<Result> {
  const q = new URLSearchParams({ format: r.format, crs: r.crs, dryRun: String(r.dryRun), exclusive: String(r.exclusive), source: basename(file) });
  if (Object.keys(r.mapping).length > 0) q.set('mapping', JSON.stringify(r.mapping));
  return (await post(api, `${r.kind}?${q}`, file)) as Result;
}

async function main(): Promise<void> {
  const [kind, file, ...args] = process.argv.slice(2);
  if (!kind || !file || kind === '--help') {
    process.stderr.write(USAGE + '\n');
    process.exit(2);
  }
  if (!existsSync(file)) throw new CliError(`${file}: no such file`);
  const mappingFile = flag(args, '--mapping');
  let mapping: unknown;
  if (mappingFile) {
    try {
      mapping = JSON.parse(readFileSync(mappingFile, 'utf8').replace(/^\uFEFF/, ''));
    } catch (e) {
      throw new CliError(`--mapping ${mappingFile}: ${(e as Error).message}`);
    }
  }
  if (kind === 'population') {
    const cfg = loadConfig();
    const crs = (flag(args, '--crs') ?? 'WGS84').toUpperCase();
    const dryRun = args.includes('--dry-run');
    const started = Date.now();
    let result: PopulationImportResult;
    if (cfg.databaseUrl) result = await populationViaDatabase(cfg.databaseUrl, crs, dryRun, file);
    else {
      result = (await post(adminApi(cfg), `population?${new URLSearchParams({ crs, dryRun: String(dryRun), source: basename(file) })}`, file)) as PopulationImportResult;
    }
    if (args.includes('--json')) out(JSON.stringify(result, null, 2));
    else for (const line of describePopulationImport(result)) out(line);
    if (!args.includes('--json')) out(`${((Date.now() - started) / 1000).toFixed(1)} s`);
    return;
  }
  const format = flag(args, '--format') ?? formatFromName(file);
  if (!format) throw new CliError(`${file}: cannot tell the format from the name; add --format csv|xlsx|geojson`);
  const r = importRequest({ kind, format, crs: flag(args, '--crs') ?? 'WGS84', mapping, dryRun: args.includes('--dry-run'), exclusive: args.includes('--exclusive') });
  const cfg = loadConfig();
  const started = Date.now();
  const result = cfg.databaseUrl ? await viaDatabase(cfg.databaseUrl, r, file) : await viaApi(adminApi(cfg), r, file);
  if (args.includes('--json')) out(JSON.stringify(result, null, 2));
  else for (const line of result.kind === 'tasks' ? describeTasksImport(result as TasksImportResult) : describeRegistryImport(result as RegistryImportResult)) out(line);
  if (!args.includes('--json')) out(`${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.errors.length > 0) process.exitCode = 1;
}

runCli(main, [ImportError, TableError, MappingError]);
