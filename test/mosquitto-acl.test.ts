import { connect as mqttConnect, connectAsync, IClientOptions, IConnackPacket, MqttClient } from 'mqtt';
import { loadConfig } from '@rescue/config';
import { generatePassword, hashPassword, type UnitEntry } from '@rescue/security';
import { RunningMosquitto, startMosquitto } from './support/mosquitto';
import { newTestUser } from './support/test-broker-auth';
import { describeNeeding, needMosquitto } from './support/needs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Connects and reports the CONNACK refusal instead of throwing, without retrying. */
async function tryConnect(url: string, opts: IClientOptions): Promise<MqttClient | string> {
  try {
    return await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Connects and resolves with the client and its CONNACK (for `sessionPresent`); `onMessage` is attached
 * before connecting, so messages a resumed session delivers right after the CONNACK are not missed.
 */
function connectWithConnack(url: string, opts: IClientOptions, onMessage?: (payload: string) => void): Promise<{ client: MqttClient; connack: IConnackPacket }> {
  return new Promise((res, rej) => {
    const client = mqttConnect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    if (onMessage) client.on('message', (_topic, payload) => onMessage(payload.toString()));
    client.once('connect', (connack) => res({ client, connack }));
    client.once('error', (e) => (client.end(true), rej(e)));
  });
}

const REFUSED = /Not authorized|Bad username/i;

/**
 * The files `npm run units -- mosquitto` writes, read by the real Mosquitto 2.0 with the shipped
 * config: the stored `$7$` hash works as a Mosquitto password hash without the password being known,
 * the generated ACL keeps each unit to its own topics, and units (terminal listener) and services
 * (service listener) cannot use each other's listener.
 */
const mosquitto = process.env.RC_TEST_MOSQUITTO;
describeNeeding(needMosquitto())('generated Mosquitto password and ACL files', () => {
  let broker: RunningMosquitto;
  const pw = { A: generatePassword(), B: generatePassword(), phone: generatePassword() };
  let units: UnitEntry[];
  const open: MqttClient[] = [];
  beforeAll(async () => {
    units = [
      { unitId: 'AMB-A', passwordHash: await hashPassword(pw.A) },
      { unitId: 'AMB-B', passwordHash: await hashPassword(pw.B) },
      { unitId: 'alice-phone', passwordHash: await hashPassword(pw.phone) },
    ];
    broker = await startMosquitto(mosquitto!, { units });
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync().catch(() => undefined)));
    await broker?.stop();
  });
  /** A unit on the terminal listener. */
  const connect = async (opts: IClientOptions): Promise<MqttClient> => {
    const c = await tryConnect(broker.unitUrl, opts);
    if (typeof c === 'string') throw new Error(c);
    open.push(c);
    return c;
  };

  it('right password connects; wrong password, unknown user and anonymous are refused on both listeners', async () => {
    const ok = await connect({ clientId: 'AMB-A', username: 'AMB-A', password: pw.A });
    expect(ok.connected).toBe(true);
    for (const url of [broker.unitUrl, broker.bareUrl]) {
      expect(await tryConnect(url, { clientId: 'x1', username: 'AMB-A', password: pw.B })).toMatch(REFUSED);
      expect(await tryConnect(url, { clientId: 'x2', username: 'AMB-Z', password: pw.A })).toMatch(REFUSED);
      expect(await tryConnect(url, { clientId: 'x3' })).toMatch(REFUSED);
    }
  });

  it('a unit cannot log in on the service listener, nor a service user on the terminal listener', async () => {
    expect(await tryConnect(broker.bareUrl, { clientId: 'AMB-A', username: 'AMB-A', password: pw.A })).toMatch(REFUSED);
    expect(await tryConnect(broker.unitUrl, { clientId: 'svc', username: broker.user.username, password: broker.user.password })).toMatch(REFUSED);
  });

  it("a unit using the ingest's client id neither cuts the ingest off nor touches its session and queued fixes", async () => {
    const ingestId = loadConfig({}).ingestClientId; // the default INGEST_CLIENT_ID
    const ingest = { clientId: ingestId, clean: false };
    // The ingest's persistent session with its subscription, then the ingest goes away (a restart).
    const first = await connectWithConnack(broker.url, ingest);
    await first.client.subscribeAsync('ems/v1/units/+/position', { qos: 1 });
    await first.client.endAsync();
    const a = await connect({ clientId: 'AMB-A', username: 'AMB-A', password: pw.A });
    for (let i = 0; i < 3; i++) await a.publishAsync('ems/v1/units/AMB-A/position', `{"queued":${i}}`, { qos: 1 });
    // AMB-B asks for the ingest's client id with a clean session: on a broker that honours it, the
    // ingest's session and the three fixes queued in it are deleted.
    const thief = await connect({ clientId: ingestId, username: 'AMB-B', password: pw.B, clean: true });
    expect(thief.connected).toBe(true);
    await sleep(200);

    const got: string[] = [];
    const back = await connectWithConnack(broker.url, ingest, (p) => got.push(p));
    open.push(back.client);
    let ingestClosed = 0;
    back.client.on('close', () => ingestClosed++);
    expect(back.connack.sessionPresent).toBe(true);
    for (let i = 0; i < 50 && got.length < 3; i++) await sleep(50);
    expect(got).toEqual(['{"queued":0}', '{"queued":1}', '{"queued":2}']);

    // While the ingest is connected, the same attempt does not cut it off either.
    const again = await connect({ clientId: ingestId, username: 'AMB-B', password: pw.B, clean: true });
    expect(again.connected).toBe(true);
    await a.publishAsync('ems/v1/units/AMB-A/position', '{"live":true}', { qos: 1 });
    for (let i = 0; i < 50 && got.length < 4; i++) await sleep(50);
    expect(got[3]).toBe('{"live":true}');
    expect(ingestClosed).toBe(0);
    expect(back.client.connected).toBe(true);
  });

  it("a unit's publish to another unit's topic is not delivered; its own are; it receives nothing", async () => {
    // The ingest side: the test service user (its credentials are in broker.url), partly through a
    // shared subscription as production ingest does.
    const got: string[] = [];
    const sub = await connectAsync(broker.url, { clientId: 'acl-sub', reconnectPeriod: 0 });
    open.push(sub);
    sub.on('message', (topic) => got.push(topic));
    const granted = await sub.subscribeAsync(['$share/ingest/ems/v1/units/+/position', 'ems/v1/units/+/status', 'owntracks/+/+'], { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1, 1, 1]);

    const a = await connect({ clientId: 'AMB-A:t', username: 'AMB-A', password: pw.A });
    // Mosquitto 2.0 grants a SUBSCRIBE without read access (SUBACK 1) but delivers nothing through it.
    const seenByUnit: string[] = [];
    a.on('message', (topic) => seenByUnit.push(topic));
    await a.subscribeAsync(['ems/v1/units/+/position', '#'], { qos: 1 });
    await a.publishAsync('ems/v1/units/AMB-B/position', '{"forged":true}', { qos: 1 }); // Mosquitto acks and drops it
    await a.publishAsync('ems/v1/units/AMB-A/position', '{"own":true}', { qos: 1 });
    await a.publishAsync('ems/v1/units/AMB-A/status', '{"own":true}', { qos: 1 });
    const phone = await connect({ clientId: 'alice-phone', username: 'alice-phone', password: pw.phone });
    await phone.publishAsync('owntracks/alice/phone', '{"_type":"location"}', { qos: 1 });
    await phone.publishAsync('owntracks/bob/phone', '{"_type":"location"}', { qos: 1 });
    const b = await connect({ clientId: 'AMB-B', username: 'AMB-B', password: pw.B });
    await b.publishAsync('ems/v1/units/AMB-B/position', '{"own":true}', { qos: 1 });
    await sleep(500);
    expect(got.sort()).toEqual(['ems/v1/units/AMB-A/position', 'ems/v1/units/AMB-A/status', 'ems/v1/units/AMB-B/position', 'owntracks/alice/phone']);
    expect(seenByUnit).toEqual([]);
  });

  it('a revoked unit (left out of the regenerated files) is refused after SIGHUP; a new service user works', async () => {
    const extra = await newTestUser('demo.gateway');
    await broker.reload(units.filter((u) => u.unitId !== 'AMB-B'), [{ username: extra.username, passwordHash: extra.passwordHash, roles: ['gateway'] }]);
    expect(await tryConnect(broker.unitUrl, { clientId: 'AMB-B', username: 'AMB-B', password: pw.B })).toMatch(REFUSED);
    const gw = await tryConnect(broker.bareUrl, { clientId: 'gw', username: extra.username, password: extra.password });
    if (typeof gw === 'string') throw new Error(gw);
    open.push(gw);
    expect(gw.connected).toBe(true);
  });
});
