import { connectAsync, type MqttClient } from 'mqtt';
import pino from 'pino';
import { Registry } from 'prom-client';
import { closeDatabase, Jt808TerminalsRepository, openDatabase } from '@rescue/persistence';
import { generatePassword, hashPassword } from '@rescue/security';
import { JT808_MSG } from '@rescue/telemetry';
import { Jt808Gateway } from '../apps/server/src/jt808/gateway';
import { Jt808Directory } from '../apps/server/src/jt808/terminal-directory';
import { connectMqttUplink, type Jt808Uplink } from '../apps/server/src/jt808/uplink';
import type { IngestWorker } from '../apps/server/src/ingest/ingest-worker';
import { Jt808TerminalClient } from '../apps/server/src/simulator/jt808-terminal-client';
import { scratchPostgres } from './support/databases';
import { newWorker, type Stack, waitFor } from './support/ingest-stack';
import { GATEWAY_TEST_OPTIONS } from './support/jt808-stack';
import { type RunningMosquitto, startMosquitto } from './support/mosquitto';
import { describeNeeding, needMosquitto, needPostgres } from './support/needs';

/**
 * The standalone gateway's arrangement (`npm run jt808-gateway`): a real Mosquitto with the shipped
 * config and the generated ACL, the gateway logged in as its own service user with only the `gateway`
 * role, 0x8001 on the broker's PUBACK (no receipts), and the ingest worker storing into real
 * PostgreSQL. The promise: a terminal hears 0x8001 only once the persistent broker holds the relayed
 * message, and the message then reaches the database even across a broker restart.
 */
describeNeeding(needMosquitto(), needPostgres())('standalone JT/T 808 gateway on Mosquitto (PUBACK mode) + PostgreSQL', () => {
  let broker: RunningMosquitto;
  let db: Awaited<ReturnType<typeof scratchPostgres>>;
  let stack: Stack;
  let worker: IngestWorker;
  let directory: Jt808Directory;
  let uplink: Jt808Uplink;
  let gateway: Jt808Gateway;
  let watcher: MqttClient;
  const relayed: Array<{ topic: string; qos: number; payload: any }> = [];
  const terminals: Jt808TerminalClient[] = [];
  const gw = { username: 'rescue.jt808', password: generatePassword() };
  const T0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;
  const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

  const positions = async (unitId: string): Promise<number[]> =>
    (await stack.ds.query(`SELECT ts FROM unit_positions WHERE unit_id = $1 ORDER BY ts`, [unitId])).map((r: any) => new Date(r.ts).getTime());
  const ready = async (unitId: string, phone: string): Promise<Jt808TerminalClient> => {
    await directory.provision(unitId, phone, 'test');
    const t = new Jt808TerminalClient(phone);
    terminals.push(t);
    await t.connect('127.0.0.1', gateway.port);
    const reg = await t.register();
    expect(reg.result).toBe(0);
    expect(await t.authenticate(reg.authCode!)).toBe(0);
    return t;
  };

  beforeAll(async () => {
    broker = await startMosquitto(process.env.RC_TEST_MOSQUITTO!, { services: [{ username: gw.username, passwordHash: await hashPassword(gw.password), roles: ['gateway'] }] });
    db = await scratchPostgres('rc_jt808_mosq');
    const { dataSource } = await openDatabase(db.target);
    stack = { name: 'Mosquitto + PostgreSQL', mqttUrl: broker.url, ds: dataSource, close: async () => closeDatabase(dataSource) };
    // a persistent session, as in production: what the broker acknowledged waits for ingest across a restart
    worker = newWorker(stack, { clientId: 'rc.test' }).worker;
    await worker.start();
    watcher = await connectAsync(broker.url, { clientId: `rc.test-watch-${process.pid}`, clean: true });
    watcher.on('message', (topic, payload, packet) => relayed.push({ topic, qos: packet.qos, payload: JSON.parse(payload.toString()) }));
    await watcher.subscribeAsync('ems/v1/units/+/jt808', { qos: 1 });
    directory = new Jt808Directory(new Jt808TerminalsRepository(dataSource), log);
    await directory.start();
    uplink = await connectMqttUplink({ url: broker.bareUrl, username: gw.username, password: gw.password, clientId: `${gw.username}-${process.pid}`, receipts: null, log });
    gateway = new Jt808Gateway(GATEWAY_TEST_OPTIONS, directory, uplink, new Registry(), log);
    await gateway.start();
  });
  afterAll(async () => {
    for (const t of terminals) t.destroy();
    await gateway?.close();
    await uplink?.close();
    directory?.stop();
    await watcher?.endAsync();
    await worker?.stop();
    await stack?.close();
    await db?.drop();
    await broker?.stop();
  });

  it('frames in → relayed at QoS 1 by the gateway user → 0x8001 → stored in PostgreSQL by the ingest worker', async () => {
    const t = await ready('JTM-A', '013600000001');
    for (let i = 0; i < 3; i++) {
      const serial = t.sendLocation({ ts: T0 + i * 10_000, lat: 22.54 + i * 0.0005, lon: 114.05, speedKmh: 30 });
      expect(await t.responseTo(serial)).toEqual({ result: 0, replyMsgId: JT808_MSG.location });
    }
    await waitFor('3 fixes of JTM-A in PostgreSQL', async () => (await positions('JTM-A')).length === 3, 30_000);
    expect(await positions('JTM-A')).toEqual([T0, T0 + 10_000, T0 + 20_000]);
    const mine = relayed.filter((m) => m.topic === 'ems/v1/units/JTM-A/jt808');
    expect(mine).toHaveLength(3);
    expect(mine.every((m) => m.qos === 1 && m.payload.msgId === JT808_MSG.location && m.payload.phone === '013600000001' && m.payload.receipt === undefined)).toBe(true);
    expect(broker.log()).not.toMatch(/Denied PUBLISH/i);
  });

  it('0x8001 only after the PUBACK: none while the broker is down; after its restart the 0x8001 comes and the fix is stored once', async () => {
    const t = await ready('JTM-B', '013600000002');
    let serial = -1;
    await broker.restart(async () => {
      await waitFor('the gateway to see the broker gone', async () => !uplink.connected, 10_000);
      serial = t.sendLocation({ ts: T0 + 5_000, lat: 22.55, lon: 114.06, speedKmh: 20 });
      // no PUBACK, no 0x8001: the terminal would resend after its timeout
      await expect(t.responseTo(serial, 2_500)).rejects.toThrow(/no matching frame/);
    });
    const answer = await t.responseTo(serial, 20_000);
    expect(answer).toEqual({ result: 0, replyMsgId: JT808_MSG.location });
    await waitFor('the fix of JTM-B in PostgreSQL', async () => (await positions('JTM-B')).length === 1, 30_000);
    // a terminal that missed the 0x8001 resends: absorbed by the (unit, ts) key
    const again = t.sendLocation({ ts: T0 + 5_000, lat: 22.55, lon: 114.06, speedKmh: 20 });
    expect((await t.responseTo(again, 10_000)).result).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await positions('JTM-B')).toEqual([T0 + 5_000]);
  });

  it('the gateway user reads orders but not the fleet\'s telemetry (ACL of the generated files)', async () => {
    const c = await connectAsync(broker.bareUrl, { clientId: `${gw.username}-acl-${process.pid}`, username: gw.username, password: gw.password, reconnectPeriod: 0 });
    try {
      // Mosquitto grants any subscription and applies the ACL on delivery: what arrives is what counts
      const got: string[] = [];
      c.on('message', (topic) => got.push(topic));
      await c.subscribeAsync(['ems/v1/units/+/commands', 'ems/v1/units/+/position'], { qos: 1 });
      await watcher.publishAsync('ems/v1/units/JTM-C/position', JSON.stringify({ ts: T0, lat: 22.5, lon: 114 }), { qos: 1 });
      await watcher.publishAsync('ems/v1/units/JTM-C/commands', JSON.stringify({ type: 'noop' }), { qos: 1 });
      await waitFor('the order to reach the gateway user', async () => got.includes('ems/v1/units/JTM-C/commands'), 5_000);
      expect(got).toEqual(['ems/v1/units/JTM-C/commands']); // published first, never delivered
    } finally {
      await c.endAsync();
    }
  });
});
