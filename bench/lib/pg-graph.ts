// Shared by the routing benches: a scratch PostgreSQL database with pgRouting, fed our graph's edges.
import { seededRandom } from '@rescue/common';
import { Client } from 'pg';
import type { RoadGraph } from '@rescue/routing';

export const PG_URL = process.env['ROUTING_BENCH_PG'] ?? 'postgresql://postgres@127.0.0.1:5432/routing_bench';

/**
 * Connect to `url` (a scratch database: the routing benches' by default, the coverage bench passes its
 * own), creating the database and the extension when missing; null when unavailable.
 */
export async function connectPgRouting(url: string = PG_URL): Promise<Client | null> {
  const dbName = new URL(url).pathname.slice(1);
  try {
    const admin = new Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString(), connectionTimeoutMillis: 3000 });
    await admin.connect();
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const c = new Client({ connectionString: url });
    await c.connect();
    await c.query('CREATE EXTENSION IF NOT EXISTS pgrouting CASCADE');
    return c;
  } catch (e) {
    process.stderr.write(`pgRouting baseline skipped: ${(e as Error).message} (apt-get install postgresql-15-pgrouting; PostgreSQL on 127.0.0.1:5432)\n`);
    return null;
  }
}

/**
 * Table <name>(id, source, target, cost, dist): one row per directed edge, vertex ids = our index + 1.
 * Numbers go over as JS shortest round-trip text, so float8 values are bit-identical to ours.
 */
export async function exportEdges(c: Client, name: string, g: RoadGraph): Promise<void> {
  await c.query(`DROP TABLE IF EXISTS ${name}`);
  await c.query(`CREATE TABLE ${name} (id bigint PRIMARY KEY, source bigint, target bigint, cost float8, dist float8)`);
  const batch = 2000;
  for (let s = 0; s < g.edgeCount; s += batch) {
    const rows: string[] = [];
    for (let e = s; e < Math.min(g.edgeCount, s + batch); e++) {
      rows.push(`(${e + 1},${g.eSrc[e]! + 1},${g.eDst[e]! + 1},${g.eTime[e]!},${g.eDist[e]!})`);
    }
    await c.query(`INSERT INTO ${name} VALUES ${rows.join(',')}`);
  }
  await c.query(`ANALYZE ${name}`);
}

