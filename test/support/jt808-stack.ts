import pino from 'pino';
import { Registry } from 'prom-client';
import { Jt808TerminalsRepository } from '@rescue/persistence';
import { DurableReceipts } from '../../apps/server/src/jt808/durable-receipts';
import { Jt808Gateway, type Jt808GatewayOptions } from '../../apps/server/src/jt808/gateway';
import { Jt808Directory } from '../../apps/server/src/jt808/terminal-directory';
import { connectMqttUplink, type Jt808Uplink } from '../../apps/server/src/jt808/uplink';
import type { IngestWorker } from '../../apps/server/src/ingest/ingest-worker';
import { embeddedStack, newWorker, realStack, type Stack } from './ingest-stack';

export const GATEWAY_TEST_OPTIONS: Jt808GatewayOptions = {
  port: 0, host: '127.0.0.1', maxConnections: 100, maxFrameBytes: 4096, maxBytesPerS: 1_000_000, maxFramesPerS: 10_000, heartbeatS: 60, maxInFlight: 64,
};

/**
 * The embedded default's JT/T 808 path, all real: aedes + PGlite/TimescaleDB, the ingest worker, and
 * the gateway publishing as a gateway service user with 0x8001 on the ingest commit (receipts).
 */
export interface Jt808Stack {
  stack: Stack;
  worker: IngestWorker;
  gateway: Jt808Gateway;
  directory: Jt808Directory;
  uplink: Jt808Uplink;
  registry: Registry;
  refused(reason: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * `mosquitto`: the production arrangement instead: real Mosquitto (shipped config) + PostgreSQL, and
 * 0x8001 on the broker's PUBACK.
 */
export async function jt808Stack(opts: Partial<Jt808GatewayOptions> = {}, mosquitto?: string): Promise<Jt808Stack> {
  const stack = mosquitto ? await realStack(mosquitto) : await embeddedStack();
  const { worker } = newWorker(stack);
  await worker.start();
  const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  const receipts = mosquitto ? null : new DurableReceipts('t.', 10_000);
  if (receipts) worker.onDurable((r) => receipts.settle(r));
  const directory = new Jt808Directory(new Jt808TerminalsRepository(stack.ds), log);
  await directory.start();
  const uplink = await connectMqttUplink({ url: stack.mqttUrl, clientId: `jt808-test-${process.pid}-${Date.now()}`, receipts, log });
  const registry = new Registry();
  const gateway = new Jt808Gateway({ ...GATEWAY_TEST_OPTIONS, ...opts }, directory, uplink, registry, log);
  await gateway.start();
  return {
    stack, worker, gateway, directory, uplink, registry,
    refused: async (reason) => {
      const m = (await registry.getSingleMetric('rc_jt808_refused_total')!.get()).values.find((v) => v.labels.reason === reason);
      return m?.value ?? 0;
    },
    close: async () => {
      await gateway.close();
      receipts?.failAll('test over');
      await uplink.close();
      directory.stop();
      await worker.stop();
      await stack.close();
    },
  };
}
