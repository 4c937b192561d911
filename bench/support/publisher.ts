import { Worker } from 'node:worker_threads';
import { resolve } from 'node:path';

export interface PublisherConfig {
  url: string;
  units: number;
  perUnit: number;
  /** The `now` of fleetDataset: both threads derive the same fixes and timestamps from it. */
  datasetNow: number;
  clients: number;
  window: number;
  /** Total messages per second across connections, evenly spread; 0 = flat out. */
  rate: number;
  /** Float64 per message (index u * perUnit + k): when it was handed to its connection, epoch ms. */
  publishedAt: SharedArrayBuffer;
}

export interface PublisherReport {
  type: 'done';
  published: number;
  acked: number;
  failed: number;
  startedAt: number;
  finishedAt: number;
}

export interface Publisher {
  /** Publish times, shared with the thread: read them after a message is received or committed. */
  readonly publishedAt: Float64Array;
  /** Starts publishing; resolves when every PUBACK is in. */
  run(): Promise<PublisherReport>;
}

/** Spawns the fleet in a worker thread and waits until its connections are up. */
export async function startPublisher(cfg: Omit<PublisherConfig, 'publishedAt'>): Promise<Publisher> {
  const shared = new SharedArrayBuffer(8 * cfg.units * cfg.perUnit);
  const full: PublisherConfig = { ...cfg, publishedAt: shared };
  // A worker thread does not inherit tsx's loader (and cannot start from a .ts entry): a JS shim
  // registers tsx's CommonJS hook there, then loads the TypeScript entry.
  const entry = JSON.stringify(resolve(__dirname, 'publisher-thread.ts'));
  const worker = new Worker(`require('tsx/cjs'); require(${entry});`, { eval: true, workerData: full });
  const result = new Promise<PublisherReport>((res, rej) => {
    worker.on('message', (m: { type: string; message?: string }) => {
      if (m.type === 'done') res(m as PublisherReport);
      if (m.type === 'error') rej(new Error(`publisher: ${m.message}`));
    });
    worker.once('error', rej);
    worker.once('exit', (code) => rej(new Error(`publisher thread exited (${code})`)));
  });
  await Promise.race([
    new Promise<void>((r) => worker.once('message', (m: { type: string }) => m.type === 'ready' && r())),
    result.then(() => undefined),
  ]);
  return {
    publishedAt: new Float64Array(shared),
    run: async () => {
      worker.postMessage('go');
      const report = await result;
      await worker.terminate();
      return report;
    },
  };
}
