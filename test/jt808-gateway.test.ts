import { encodeJt808Frame, encodeSubpackages, jt808Escape, jt808Unescape, JT808_MSG, locationBatchBody, locationBody, xorChecksum } from '@rescue/telemetry';
import { Jt808TerminalClient } from '../apps/server/src/simulator/jt808-terminal-client';
import { countRows, waitFor } from './support/ingest-stack';
import { jt808Stack, type Jt808Stack } from './support/jt808-stack';

/**
 * The JT/T 808 gateway on real sockets, in the embedded default's arrangement (aedes + PGlite, the real
 * ingest worker): identity, the 0x8001-after-commit promise, refusals by reason, sub-packages, late
 * blind-area batches, duplicates, one connection per phone, revoke.
 */
describe('JT/T 808 gateway (embedded: aedes + PGlite, real sockets)', () => {
  let s: Jt808Stack;
  const terminals: Jt808TerminalClient[] = [];
  const T0 = Math.floor(Date.now() / 1000) * 1000 - 60_000; // BCD times have whole seconds

  const terminal = async (phone: string, version: '2013' | '2019' = '2013'): Promise<Jt808TerminalClient> => {
    const t = new Jt808TerminalClient(phone, version);
    await t.connect('127.0.0.1', s.gateway.port);
    terminals.push(t);
    return t;
  };
  const positions = async (unitId: string): Promise<Array<{ ts: number; lat: number; lon: number }>> =>
    (await s.stack.ds.query(`SELECT ts, lat, lon FROM unit_positions WHERE unit_id = $1 ORDER BY ts`, [unitId])).map((r: any) => ({ ts: new Date(r.ts).getTime(), lat: r.lat, lon: r.lon }));
  /** Registers, authenticates: a terminal ready to report. */
  const ready = async (unitId: string, phone: string, version: '2013' | '2019' = '2013'): Promise<Jt808TerminalClient> => {
    await s.directory.provision(unitId, phone, 'test');
    const t = await terminal(phone, version);
    const reg = await t.register();
    expect(reg.result).toBe(0);
    expect(await t.authenticate(reg.authCode!)).toBe(0);
    return t;
  };

  beforeAll(async () => {
    s = await jt808Stack();
  });
  afterAll(async () => {
    for (const t of terminals) t.destroy();
    await s?.close();
  });

  it('unknown phone: 0x8100 result 4 (terminal not in the database); registered twice: result 3', async () => {
    const stranger = await terminal('013900000000');
    expect((await stranger.register()).result).toBe(4);
    expect(await s.refused('register_unknown_phone')).toBe(1);
    await s.directory.provision('JT-REG', '013900000001', 'test');
    const t = await terminal('013900000001');
    const first = await t.register();
    expect(first.result).toBe(0);
    expect(first.authCode).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await t.register()).result).toBe(3); // a second registration cannot take over the terminal
    const [row] = await s.stack.ds.query(`SELECT auth_code_hash FROM jt808_terminals WHERE phone = '13900000001'`);
    expect(row.auth_code_hash).toMatch(/^\$7\$/); // only the hash is stored
    expect(row.auth_code_hash).not.toContain(first.authCode);
  });

  it('frames before authentication are refused (0x8001 result 1), a wrong code closes the connection', async () => {
    await s.directory.provision('JT-AUTH', '013900000002', 'test');
    const t = await terminal('013900000002');
    const reg = await t.register();
    const hb = t.heartbeat();
    expect((await t.responseTo(hb)).result).toBe(1);
    const loc = t.sendLocation({ ts: T0, lat: 22.5, lon: 114.05 });
    expect((await t.responseTo(loc)).result).toBe(1);
    expect(await s.refused('not_authenticated')).toBe(2);
    expect(await t.authenticate(`${reg.authCode}x`)).toBe(1);
    await t.closed;
    expect(await s.refused('auth_bad_auth_code')).toBe(1);
    expect(await positions('JT-AUTH')).toEqual([]);
  });

  it('register → authenticate → locations: 0x8001 only once the fix is stored (2013 and 2019 headers)', async () => {
    for (const [unitId, phone, version] of [['JT-A', '013900000003', '2013'], ['JT-B', '00000000013900000004', '2019']] as const) {
      const t = await ready(unitId, phone, version);
      for (let i = 0; i < 5; i++) {
        const serial = t.sendLocation({ ts: T0 + i * 10_000, lat: 22.54 + i * 0.0005, lon: 114.05, speedKmh: 30, mileageKm: 12.3, satellites: 9 });
        const res = await t.responseTo(serial);
        expect(res).toEqual({ result: 0, replyMsgId: JT808_MSG.location });
        // the promise: when the terminal hears 0x8001, the fix is in the database
        expect((await positions(unitId)).map((p) => p.ts)).toContain(T0 + i * 10_000);
      }
      expect(await positions(unitId)).toHaveLength(5);
    }
  });

  it('a terminal that got no 0x8001 resends: the duplicate is absorbed', async () => {
    const t = await ready('JT-DUP', '013900000005');
    const fix = { ts: T0, lat: 22.6, lon: 114.1 };
    await t.responseTo(t.sendLocation(fix));
    expect((await t.responseTo(t.sendLocation(fix))).result).toBe(0); // acknowledged again ...
    expect(await positions('JT-DUP')).toHaveLength(1); // ... stored once
  });

  it('a 0x0704 blind-area batch hours old, out of order: every fix stored, in time order', async () => {
    const t = await ready('JT-BLIND', '013900000006');
    const old = T0 - 5 * 3600_000;
    const items = Array.from({ length: 20 }, (_, i) => ({ ts: old + i * 30_000, lat: 22.5 + i * 0.001, lon: 114.0 }));
    const shuffled = [...items.slice(10), ...items.slice(0, 10).reverse()];
    expect((await t.responseTo(t.sendBatch(1, shuffled))).result).toBe(0);
    expect((await positions('JT-BLIND')).map((p) => p.ts)).toEqual(items.map((i) => i.ts));
  });

  it('sub-packages are joined; a batch too long for one frame arrives whole', async () => {
    const t = await ready('JT-SUB', '013900000007');
    const items = Array.from({ length: 60 }, (_, i) => ({ ts: T0 - 3600_000 + i * 20_000, lat: 22.7 + i * 0.0008, lon: 114.2 }));
    const body = locationBatchBody(1, items); // 60 × 30 + 3 bytes > 1023
    const frames = encodeSubpackages({ msgId: JT808_MSG.locationBatch, phone: t.phone, serial: 500, version: '2013' }, body, 512);
    expect(frames.length).toBe(4);
    const last = frames.length - 1;
    for (const f of frames) t.writeRaw(f);
    // the reply names the first package's serial (the message's own)
    const res = await t.waitFor((m) => m.body.kind === 'platform_general_response' && m.body.replyMsgId === JT808_MSG.locationBatch);
    expect(res.body).toMatchObject({ result: 0, replySerial: 500 });
    expect(last).toBe(3);
    expect(await positions('JT-SUB')).toHaveLength(60);
  });

  it('bad checksum, truncated, oversized frames and stray bytes: refused by reason, the connection goes on', async () => {
    const t = await ready('JT-BAD', '013900000008');
    const good = encodeJt808Frame({ msgId: JT808_MSG.location, phone: t.phone, serial: 900, version: '2013' }, locationBody({ ts: T0, lat: 22.8, lon: 114.3 }));
    const flipped = Uint8Array.from(good);
    flipped[20] ^= 0x01;
    t.writeRaw(flipped);
    t.writeRaw(Uint8Array.from([...good.subarray(0, 20), 0x7e]));
    t.writeRaw(Uint8Array.from([0x7e, ...new Uint8Array(5000).fill(0x11), 0x7e]));
    t.writeRaw(Uint8Array.from([0x01, 0x02, 0x03]));
    await waitFor('refusals counted', async () => (await s.refused('frame_too_large')) === 1 && (await s.refused('bad_checksum')) >= 2);
    expect(await s.refused('bytes_outside_frame')).toBeGreaterThanOrEqual(1);
    t.writeRaw(good);
    expect((await t.responseTo(900)).result).toBe(0);
    expect(await positions('JT-BAD')).toHaveLength(1);
  });

  it('a location with a malformed extra item keeps its fix; not positioned goes to the dead letters with its reason', async () => {
    const t = await ready('JT-EXTRA', '013900000009');
    const cut = t.sendLocation({ ts: T0, lat: 22.9, lon: 114.4, rawExtras: [0x01, 0x04, 0x00] }); // says 4 bytes, has 1
    expect((await t.responseTo(cut)).result).toBe(0);
    expect(await positions('JT-EXTRA')).toHaveLength(1);
    const before = await countRows(s.stack.ds, 'ingest_dead_letters');
    const nofix = t.sendLocation({ ts: T0 + 10_000, lat: 22.9, lon: 114.4, status: 0 });
    expect((await t.responseTo(nofix)).result).toBe(0); // durable as a dead letter: resending would not help
    const [dl] = await s.stack.ds.query(`SELECT reason, unit_id, raw FROM ingest_dead_letters ORDER BY id DESC LIMIT 1`);
    expect(dl).toMatchObject({ reason: 'no_gnss_fix', unit_id: 'JT-EXTRA' });
    expect(dl.raw).toMatch(/^[0-9a-f]+$/);
    expect(await countRows(s.stack.ds, 'ingest_dead_letters')).toBe(before + 1);
  });

  it('a second connection for the same phone replaces the first; revoke closes the connection', async () => {
    await s.directory.provision('JT-TWICE', '013900000010', 'test');
    const first = await terminal('013900000010');
    const code = (await first.register()).authCode!;
    expect(await first.authenticate(code)).toBe(0);
    const second = await terminal('013900000010');
    expect(await second.authenticate(code)).toBe(0);
    await first.closed;
    expect(await s.refused('replaced')).toBe(1);
    expect((await second.responseTo(second.sendLocation({ ts: T0, lat: 23, lon: 114 }))).result).toBe(0);
    await s.directory.revoke('JT-TWICE', 'test');
    await second.closed;
    const third = await terminal('013900000010');
    expect(await third.authenticate(code)).toBe(1);
    expect(await s.refused('auth_revoked')).toBe(1);
  });

  it('a 2013 terminal that sets the reserved bit 14 is still understood', async () => {
    const t = await ready('JT-RSV', '013900000011');
    const body = locationBody({ ts: T0, lat: 23.1, lon: 114.1 });
    const f = encodeJt808Frame({ msgId: JT808_MSG.location, phone: t.phone, serial: 77, version: '2013' }, body);
    // set bit 14 of bodyAttr in the unescaped content and fix the checksum
    const inner = Uint8Array.from(jt808Unescape(f.subarray(1, -1)) as Uint8Array);
    inner[2]! |= 0x40;
    inner[inner.length - 1] = xorChecksum(inner, inner.length - 1);
    t.writeRaw(jt808Escape(inner));
    expect((await t.responseTo(77)).result).toBe(0);
    expect(await positions('JT-RSV')).toHaveLength(1);
  });
});
