import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** A PGlite/TimescaleDB served on a Unix socket from its own thread. */
export interface PgliteServer {
  /** postgres://… for `pg` (host = the socket's directory). */
  url: string;
  /** Stops the socket server, closes PGlite (flushing its files) and ends the thread. */
  stop(): Promise<void>;
  /**
   * The data directory as a gzipped tarball (PGlite's dumpDataDir), after a CHECKPOINT. The caller holds
   * the one pooled connection meanwhile, so no statement runs while the files are read.
   */
  dump(): Promise<Buffer>;
}

type FromWorker = { type: 'ready' } | { type: 'error'; message: string } | { type: 'stopped' } | { type: 'dumped'; data: ArrayBuffer };

/**
 * The worker's code, evaluated as CommonJS so it runs the same from the compiled server, tsx and Jest
 * (no .ts file to load in the thread). It loads only PGlite, its TimescaleDB extension and the socket
 * server; module paths come resolved from the main thread.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.modules.pglite);
const { timescaledb } = require(workerData.modules.timescaledb);
const { PGLiteSocketServer } = require(workerData.modules.socket);
(async () => {
  const db = await PGlite.create({ dataDir: workerData.dataDir, extensions: { timescaledb } });
  // PGlite has no shared_preload_libraries: on a reopened data directory TimescaleDB's hooks are not
  // active until the library is loaded, and inserts into a hypertable fail.
  await db.exec("LOAD 'timescaledb'");
  const server = new PGLiteSocketServer({ db, path: workerData.socketPath, maxConnections: workerData.maxConnections });
  await server.start();
  parentPort.on('message', async (m) => {
    if (m === 'dump') {
      try {
        await db.exec('CHECKPOINT');
        const data = await (await db.dumpDataDir('gzip')).arrayBuffer();
        parentPort.postMessage({ type: 'dumped', data }, [data]);
      } catch (err) {
        parentPort.postMessage({ type: 'error', message: String(err && err.stack || err) });
      }
      return;
    }
    if (m !== 'stop') return;
    await server.stop();
    await db.close();
    parentPort.postMessage({ type: 'stopped' });
  });
  parentPort.postMessage({ type: 'ready' });
})().catch((err) => parentPort.postMessage({ type: 'error', message: String(err && err.stack || err) }));
`;

/**
 * Starts PGlite in a worker thread behind a PostgreSQL wire-protocol socket (@electric-sql/pglite-socket),
 * so the process talks to it through `pg` exactly as to a real server, and PGlite's synchronous WASM
 * work runs on the worker's thread instead of the event loop that serves HTTP and MQTT.
 *
 * The socket is a Unix socket in a fresh 0700 directory: PGlite checks no password, so it must not
 * be reachable by other users (a loopback TCP port would be). PGlite is one backend session; the
 * socket server serves `maxConnections` clients, and this module's callers use a pool of one, which is
 * what ExclusivePGlitePool did in-process (one query runner at a time, transactions never interleaved).
 */
export async function startPgliteServer(dataDir: string, opts: { startTimeoutMs?: number } = {}): Promise<PgliteServer> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const socketDir = mkdtempSync(join(tmpdir(), 'rc-pg-'));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      dataDir,
      socketPath: join(socketDir, '.s.PGSQL.5432'),
      maxConnections: 1,
      modules: {
        pglite: require.resolve('@electric-sql/pglite'),
        timescaledb: require.resolve('@electric-sql/pglite/timescaledb'),
        socket: require.resolve('@electric-sql/pglite-socket'),
      },
    },
  });
  const messages = (type: FromWorker['type']): Promise<FromWorker> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type !== type && m.type !== 'error') return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        if (m.type === 'error') reject(new Error(`embedded database thread: ${m.message}`));
        else resolve(m);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  const cleanUp = () => rmSync(socketDir, { recursive: true, force: true });
  try {
    const ready = messages('ready');
    const timeoutMs = opts.startTimeoutMs ?? 120_000;
    let timer!: NodeJS.Timeout;
    await Promise.race([
      ready,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`embedded database did not start in ${timeoutMs} ms`)), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
  } catch (err) {
    await worker.terminate();
    cleanUp();
    throw err;
  }
  let stopping: Promise<void> | null = null;
  let dumping: Promise<Buffer> | null = null;
  return {
    dump: () =>
      (dumping ??= (async () => {
        const done = messages('dumped');
        worker.postMessage('dump');
        const m = (await done) as { type: 'dumped'; data: ArrayBuffer };
        return Buffer.from(m.data);
      })().finally(() => (dumping = null))),
    url: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`,
    stop: () =>
      (stopping ??= (async () => {
        const stopped = messages('stopped');
        worker.postMessage('stop');
        await stopped.catch(() => undefined);
        await worker.terminate();
        cleanUp();
      })()),
  };
}
