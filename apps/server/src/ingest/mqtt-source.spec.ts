import { commandTopic, filterMatches, jt808Topic, owntracksTopic, parseTopic, positionTopic, presenceTopic, statusTopic, TOPIC_FILTERS } from '@rescue/contracts';
import { createServer, type AddressInfo, type Server } from 'node:net';
import Aedes from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { HeldAck } from './deferred-pubacks';
import { IngestMetrics } from './ingest-metrics';
import { MqttSource, INGEST_TOPICS } from './mqtt-source';

/** A real in-process broker (aedes, open): the source's session, PUBACKs and flow control run against it. */
let broker: Aedes;
let server: Server;
let url: string;
/** PUBACKs the broker got from the ingest client, by topic. */
let acked: string[];

beforeEach(async () => {
  broker = new Aedes();
  acked = [];
  broker.on('ack', (packet, client) => {
    if (client?.id === 'ingest.test' && packet && 'topic' in packet) acked.push(packet.topic);
  });
  server = createServer((s) => broker.handle(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((r) => broker.close(() => server.close(() => r())));
});

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

async function setup(maxPending = 100) {
  const source = new MqttSource({ mqttUrl: url, clientId: 'ingest.test', shareGroup: null, maxPending }, new IngestMetrics(new Registry()), pino({ level: 'silent' }));
  const got: Array<{ topic: string; payload: string; ack: HeldAck | null }> = [];
  await source.start((topic, payload, _at, ack) => got.push({ topic, payload: payload.toString(), ack }));
  const unit: MqttClient = await connectAsync(url, { clientId: 'pub', clean: true });
  return { source, got, unit };
}

describe('MqttSource', () => {
  it('hands on each message with its PUBACK held until settle()', async () => {
    const { source, got, unit } = await setup();
    await unit.publishAsync('ems/v1/units/U1/position', '{"a":1}', { qos: 1 });
    await unit.publishAsync('ems/v1/units/U1/status', '{"b":2}', { qos: 1 });
    await until(() => got.length === 2);
    expect(got.map((g) => [g.topic, g.payload])).toEqual([['ems/v1/units/U1/position', '{"a":1}'], ['ems/v1/units/U1/status', '{"b":2}']]);
    await new Promise((r) => setTimeout(r, 50));
    expect(acked).toEqual([]); // not durable yet: the broker still holds both
    source.settle([got[0]!.ack!], 1);
    await until(() => acked.length === 1);
    expect(acked).toEqual(['ems/v1/units/U1/position']);
    source.settle([got[1]!.ack!], 1);
    await until(() => acked.length === 2);
    await unit.endAsync();
    await source.end();
  });

  it('stops reading at maxPending unsettled messages and resumes when they settle', async () => {
    const { source, got, unit } = await setup(2);
    for (let i = 0; i < 5; i++) await unit.publishAsync(`ems/v1/units/U${i}/position`, `${i}`, { qos: 1 });
    await until(() => got.length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toHaveLength(2);
    source.settle(got.map((g) => g.ack!), 2);
    await until(() => got.length === 4);
    source.settle(got.slice(2).map((g) => g.ack!), 2);
    await until(() => got.length === 5);
    expect(got.map((g) => g.payload)).toEqual(['0', '1', '2', '3', '4']); // in order
    await unit.endAsync();
    await source.end();
  });

  it('after stopReading hands on nothing and acknowledges nothing more', async () => {
    const { source, got, unit } = await setup();
    source.stopReading();
    await unit.publishAsync('ems/v1/units/U1/position', 'late', { qos: 1 });
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual([]);
    expect(acked).toEqual([]);
    await unit.endAsync();
    source.kill();
  });
});

describe('INGEST_TOPICS', () => {
  const matches = filterMatches;

  it('are the contract filters, and every topic the pipeline parses is subscribed; commands going down are not', () => {
    expect(INGEST_TOPICS).toEqual(Object.values(TOPIC_FILTERS));
    const upward = [positionTopic('A1'), statusTopic('A1'), presenceTopic('A1'), jt808Topic('A1'), owntracksTopic('user', 'phone')];
    for (const topic of upward) {
      expect(parseTopic(topic)).not.toBeNull();
      expect(INGEST_TOPICS.filter((f) => matches(f, topic))).toHaveLength(1);
    }
    expect(INGEST_TOPICS.filter((f) => matches(f, commandTopic('A1')))).toEqual([]);
  });
});
