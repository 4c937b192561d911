import { connectAsync, IClientOptions, MqttClient } from 'mqtt';
import { ServerProcess, startServer } from './support/server-process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue #8, device identity on the embedded broker of a started server: a unit publishes only its own
 * topics (a forged publish is refused, counted and not stored), subscribes to nothing, bad credentials
 * and revoked units are refused, revoking closes the live connection, floods are slowed to the
 * configured rate without loss, and oversized packets close the connection.
 */
describe('device identity on the embedded broker', () => {
  let srv: ServerProcess;
  const open: MqttClient[] = [];

  beforeAll(async () => {
    srv = await startServer({ SIMULATOR: 'false', MQTT_CLIENT_MAX_MSGS_PER_S: '50', MQTT_CLIENT_BURST: '20', MQTT_MAX_PACKET_BYTES: '65536' });
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync(true).catch(() => undefined)));
    await srv?.stop();
  });

  const http = (path: string, init: RequestInit = {}) => srv.api(path, init); // admin key
  const provision = async (unitId: string): Promise<string> => {
    const res = await http(`/admin/units/${unitId}/credentials`, { method: 'POST' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { unitId: string; username: string; password: string };
    expect(body.username).toBe(unitId);
    return body.password;
  };
  const metric = async (name: string, labels = ''): Promise<number> => {
    const text = await (await http('/metrics')).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
    return line ? Number(line.split(' ')[1]) : 0;
  };
  const tryConnect = async (opts: IClientOptions): Promise<MqttClient | string> => {
    try {
      const c = await connectAsync(srv.mqttUrl, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
      open.push(c);
      return c;
    } catch (e) {
      return (e as Error).message;
    }
  };
  const asUnit = async (unitId: string, password: string, clientId = unitId): Promise<MqttClient> => {
    const c = await tryConnect({ clientId, username: unitId, password });
    if (typeof c === 'string') throw new Error(c);
    return c;
  };
  const closed = (c: MqttClient) => new Promise<void>((r) => (c.connected ? c.once('close', () => r()) : r()));
  const fix = (ts: number) => JSON.stringify({ ts, lat: 42.5, lon: 1.52, speedKmh: 0 }); // standing still: no speed-jump refusals
  const trackPoints = async (unitId: string): Promise<number> => {
    const res = await http(`/units/${unitId}/track?from=${Date.now() - 3600_000}&to=${Date.now() + 60_000}`);
    if (res.status === 404) return 0;
    return ((await res.json()) as { properties: { count: number } }).properties.count;
  };

  it("a unit publishing to another unit's topic is refused, counted and not stored; its own fix is stored", async () => {
    const pwA = await provision('AMB-A');
    await provision('AMB-B');
    const a = await asUnit('AMB-A', pwA);
    const before = await metric('rc_mqtt_refused_total', 'action="publish",reason="not_own_topic"');
    const gone = closed(a);
    a.publish('ems/v1/units/AMB-B/position', fix(Date.now()), { qos: 1 });
    await gone; // aedes closes the connection of a refused publish (no PUBACK)
    expect(await metric('rc_mqtt_refused_total', 'action="publish",reason="not_own_topic"')).toBe(before + 1);

    const a2 = await asUnit('AMB-A', pwA, 'AMB-A:second');
    await a2.publishAsync('ems/v1/units/AMB-A/position', fix(Date.now()), { qos: 1 });
    const until = Date.now() + 10_000;
    while ((await trackPoints('AMB-A')) < 1 && Date.now() < until) await sleep(100);
    expect(await trackPoints('AMB-A')).toBe(1);
    expect(await trackPoints('AMB-B')).toBe(0);
  });

  it('unknown user, wrong password, no credentials and a foreign client id are refused and counted', async () => {
    const pw = await provision('AMB-C');
    const before = await metric('rc_mqtt_refused_total', 'action="connect",reason="bad_password"');
    expect(await tryConnect({ clientId: 'AMB-C', username: 'AMB-C', password: pw.slice(1) })).toMatch(/Bad username or password/i);
    expect(await metric('rc_mqtt_refused_total', 'action="connect",reason="bad_password"')).toBe(before + 1);
    expect(await tryConnect({ clientId: 'AMB-Z', username: 'AMB-Z', password: pw })).toMatch(/Bad username or password/i);
    expect(await tryConnect({ clientId: 'anon' })).toMatch(/Bad username or password/i);
    // The client id binds to the unit: AMB-C cannot take over AMB-A's session (or the ingest's).
    expect(await tryConnect({ clientId: 'AMB-A', username: 'AMB-C', password: pw })).toMatch(/Identifier rejected/i);
    expect(await tryConnect({ clientId: 'rescue-circle-ingest-1', username: 'AMB-C', password: pw })).toMatch(/Identifier rejected/i);
    expect(await metric('rc_mqtt_refused_total', 'action="connect",reason="unknown_user"')).toBeGreaterThanOrEqual(1);
    expect(await metric('rc_mqtt_refused_total', 'action="connect",reason="client_id"')).toBe(2);
  });

  it('a unit cannot subscribe, not even to its own topics', async () => {
    const c = await asUnit('AMB-C', await provision('AMB-C'));
    // mqtt.js rejects when every filter is refused; the SUBACK it carries says 0x80 for each.
    const err = (await c.subscribeAsync(['ems/v1/units/+/position', 'ems/v1/units/AMB-C/position', '#'], { qos: 1 }).then(
      () => null,
      (e: { packet?: { granted?: number[] } }) => e,
    )) as { packet?: { granted?: number[] } } | null;
    expect(err?.packet?.granted).toEqual([128, 128, 128]);
    expect(c.connected).toBe(true);
    expect(await metric('rc_mqtt_refused_total', 'action="subscribe",reason="subscribe_not_allowed"')).toBe(3);
  });

  it('provision → connect → revoke closes the live connection at once and refuses the next connect; re-provision rotates', async () => {
    const pw = await provision('AMB-D');
    const c = await asUnit('AMB-D', pw);
    const gone = closed(c);
    const res = await http('/admin/units/AMB-D/credentials', { method: 'DELETE' });
    expect(res.status).toBe(200);
    await Promise.race([gone, sleep(2000).then(() => Promise.reject(new Error('still connected 2 s after revoke')))]);
    expect(await tryConnect({ clientId: 'AMB-D', username: 'AMB-D', password: pw })).toMatch(/Not authorized/i);
    expect((await http('/admin/units/AMB-D/credentials', { method: 'DELETE' })).status).toBe(404);

    const list = (await (await http('/admin/units/credentials')).json()) as { credentials: Array<Record<string, unknown>> };
    const d = list.credentials.find((x) => x.unitId === 'AMB-D')!;
    expect(typeof d.revokedAt).toBe('string');
    expect(JSON.stringify(list)).not.toContain('$7$');

    const pw2 = await provision('AMB-D');
    expect(pw2).not.toBe(pw);
    expect(await tryConnect({ clientId: 'AMB-D', username: 'AMB-D', password: pw })).toMatch(/Bad username or password/i);
    expect(typeof (await tryConnect({ clientId: 'AMB-D', username: 'AMB-D', password: pw2 }))).toBe('object');
    expect((await http('/admin/units/bad%20id/credentials', { method: 'POST' })).status).toBe(400);

    // Admin only, and every change is in the audit trail with who did it.
    expect((await srv.api('/admin/units/AMB-D/credentials', { method: 'POST' }, 'dispatcher')).status).toBe(403);
    expect((await fetch(`${srv.url}/admin/units/AMB-D/credentials`, { method: 'DELETE' })).status).toBe(401);
    const audit = (await (await srv.api('/audit?subject=unit:AMB-D', {}, 'auditor')).json()) as { records: Array<{ actor: string; action: string }> };
    expect(audit.records.map((r) => r.action)).toEqual(['credential.provision', 'credential.revoke', 'credential.rotate']);
    expect(audit.records.every((r) => r.actor === 'key:test-admin')).toBe(true);
  });

  it('a flood from one unit is slowed to MQTT_CLIENT_MAX_MSGS_PER_S (50/s, burst 20), counted, and loses nothing', async () => {
    const c = await asUnit('AMB-F', await provision('AMB-F'));
    const n = 170;
    const t0 = Date.now();
    const base = t0 - 60_000;
    await Promise.all(Array.from({ length: n }, (_, i) => c.publishAsync('ems/v1/units/AMB-F/position', fix(base + i * 100), { qos: 1 })));
    const tookMs = Date.now() - t0;
    // (170 - 20) / 50 = 3 s at least; unthrottled this takes well under 0.5 s on loopback.
    expect(tookMs).toBeGreaterThanOrEqual(2800);
    expect(tookMs).toBeLessThan(15_000);
    expect(await metric('rc_mqtt_throttled_total')).toBeGreaterThanOrEqual(n - 20 - 5);
    const until = Date.now() + 10_000;
    while ((await trackPoints('AMB-F')) < n && Date.now() < until) await sleep(200);
    expect(await trackPoints('AMB-F')).toBe(n);
  });

  it('a packet above MQTT_MAX_PACKET_BYTES closes the connection and is counted', async () => {
    const c = await asUnit('AMB-G', await provision('AMB-G'));
    const gone = closed(c);
    c.publish('ems/v1/units/AMB-G/position', Buffer.alloc(100_000, 0x20), { qos: 0 });
    await gone;
    expect(await metric('rc_mqtt_refused_total', 'action="packet",reason="too_large"')).toBe(1);
  });
});
