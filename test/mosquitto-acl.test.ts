import { connectAsync, IClientOptions, MqttClient } from 'mqtt';
import { generatePassword, hashPassword, type UnitEntry } from '@rescue/security';
import { RunningMosquitto, startMosquitto } from './support/mosquitto';
import { newTestUser } from './support/test-broker-auth';

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
 * The files `npm run units -- mosquitto` writes, read by the real Mosquitto 2.0 with the shipped
 * config: the stored `$7$` hash works as a Mosquitto password hash without the password being known,
 * and the generated ACL keeps each unit to its own topics.
 */
const mosquitto = process.env.RC_TEST_MOSQUITTO;
(mosquitto ? describe : describe.skip)('generated Mosquitto password and ACL files', () => {
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
  const connect = async (opts: IClientOptions): Promise<MqttClient> => {
    const c = await tryConnect(broker.bareUrl, opts);
    if (typeof c === 'string') throw new Error(c);
    open.push(c);
    return c;
  };

  it('right password connects; wrong password, unknown user and anonymous are refused', async () => {
    const ok = await connect({ clientId: 'AMB-A', username: 'AMB-A', password: pw.A });
    expect(ok.connected).toBe(true);
    expect(await tryConnect(broker.bareUrl, { clientId: 'x1', username: 'AMB-A', password: pw.B })).toMatch(/Not authorized|Bad username/i);
    expect(await tryConnect(broker.bareUrl, { clientId: 'x2', username: 'AMB-Z', password: pw.A })).toMatch(/Not authorized|Bad username/i);
    expect(await tryConnect(broker.bareUrl, { clientId: 'x3' })).toMatch(/Not authorized|Bad username/i);
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
    expect(await tryConnect(broker.bareUrl, { clientId: 'AMB-B', username: 'AMB-B', password: pw.B })).toMatch(/Not authorized|Bad username/i);
    const gw = await connect({ clientId: 'gw', username: extra.username, password: extra.password });
    expect(gw.connected).toBe(true);
  });
});
