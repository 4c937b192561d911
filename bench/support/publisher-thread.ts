// Runs in a worker thread: the simulated fleet. It has its own event loop so that its MQTT
// serialisation does not share one with the consumer being measured (terminals are other machines),
// while publish times stay on the same clock as the consumer's commit times (one process).
import { parentPort, workerData } from 'node:worker_threads';
import { connectAsync, MqttClient } from 'mqtt';
import { fleetDataset } from '../../test/support/fix-dataset';
import type { PublisherConfig, PublisherReport } from './publisher';

const cfg = workerData as PublisherConfig;
const publishedAt = new Float64Array(cfg.publishedAt);
const now = (): number => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const { messages } = fleetDataset(cfg.units, cfg.perUnit, false, cfg.datasetNow);
  const conns: MqttClient[] = await Promise.all(
    Array.from({ length: cfg.clients }, (_, i) =>
      connectAsync(cfg.url, { clientId: `bench-pub-${i}-${process.pid}-${Date.now()}`, clean: true, reconnectPeriod: 0 }),
    ),
  );
  // fleetDataset is unit-major (index u * perUnit + k); a fleet sends round-robin, every unit's k-th
  // fix before any (k+1)-th. Unit u always goes through connection u % clients, in its own order.
  const lanes: number[][] = conns.map(() => []);
  for (let k = 0; k < cfg.perUnit; k++) for (let u = 0; u < cfg.units; u++) lanes[u % cfg.clients]!.push(u * cfg.perUnit + k);
  parentPort!.postMessage({ type: 'ready' });
  await new Promise<void>((r) => parentPort!.once('message', () => r()));

  const startedAt = now();
  let acked = 0;
  let failed = 0;
  await Promise.all(
    conns.map(
      (c, i) =>
        new Promise<void>((done) => {
          const lane = lanes[i]!;
          let next = 0;
          let inflight = 0;
          // Flat out with a bounded window: at most `window` unacknowledged publishes per connection.
          // Paced: additionally no more than this connection's share of `rate` since the start.
          const share = cfg.rate ? cfg.rate / cfg.clients : 0;
          const allowed = (): number => (share ? Math.floor(((now() - startedAt) / 1000) * share) + 1 : lane.length);
          if (share) {
            const tick = setInterval(() => (next < lane.length ? pump() : clearInterval(tick)), 5);
          }
          const pump = (): void => {
            const limit = Math.min(lane.length, allowed());
            while (inflight < cfg.window && next < limit) {
              const idx = lane[next++]!;
              const m = messages[idx]!;
              inflight++;
              publishedAt[idx] = now();
              c.publish(m.topic, m.payload, { qos: 1 }, (err) => {
                inflight--;
                if (err) failed++;
                else acked++;
                if (next < lane.length) {
                  if (!share) pump();
                } else if (inflight === 0) done();
              });
            }
          };
          pump();
        }),
    ),
  );
  const finishedAt = now();
  await Promise.all(conns.map((c) => c.endAsync()));
  const report: PublisherReport = { type: 'done', published: messages.length, acked, failed, startedAt, finishedAt };
  parentPort!.postMessage(report);
}

main().catch((e: Error) => parentPort!.postMessage({ type: 'error', message: e.stack ?? e.message }));
