import { TelemetryPipeline } from '../pipeline';
import { sampleText } from '../testing/samples';
import { decodeJt808Frame } from './decode';
import { jt808Escape, jt808Unescape, xorChecksum } from './framing';
import { jt808LocationToCandidate, jt808LocationToFix } from './to-fix';
import type { Jt808Message } from './types';

/** The frames of data/protocol/jt808-vectors.txt, in file order (the hex lines). */
const VECTORS = sampleText('protocol/jt808-vectors.txt')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => /^7e[0-9a-f]+7e$/i.test(l));

const hexBytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function decodeOk(hex: string): Jt808Message {
  const r = decodeJt808Frame(hexBytes(hex));
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.detail}`);
  return r.message;
}

describe('JT/T 808 vectors (data/protocol/jt808-vectors.txt)', () => {
  it('the file holds the 5 frames', () => expect(VECTORS).toHaveLength(5));

  it('1. 2019 location report 0x0200: every documented field', () => {
    const m = decodeOk(VECTORS[0]!);
    expect(m.header).toEqual({
      msgId: 0x0200,
      bodyLength: 38,
      encryption: 0,
      headerVersion: '2019',
      protocolVersion: 1,
      phone: '00000000013912344329',
      serial: 0,
      subpackage: null,
    });
    expect(m.checksum).toBe(0x41);
    if (m.body.kind !== 'location') throw new Error(m.body.kind);
    const l = m.body.location;
    expect(l).toMatchObject({
      alarm: 0x6f,
      status: 0x16,
      positioned: true,
      latAbs: 31.234567,
      lonAbs: 121.987654,
      altitudeM: 123,
      speedKmh: 6.6,
      directionDeg: 3,
      timeBeijing: '250129223344',
      fuelL: 10,
      mileageKm: 1.2,
    });
    expect(l.fuelL).toBe(10); // extra 0x02 = 100 × 0.1 L
    expect(l.extras.map((e) => [e.id, toHex(e.value)])).toEqual([
      [0x02, '0064'],
      [0x01, '0000000c'],
    ]);
    expect(new Date(l.ts).toISOString()).toBe('2025-01-29T14:33:44.000Z'); // 22:33:44 +08:00
    // status 0x16 also has bit 2 (south) set: the signed latitude is south; the vector lists the wire magnitude
    expect(l.south).toBe(true);
    expect(l.west).toBe(false);
    expect(l.lat).toBe(-31.234567);
    expect(l.lon).toBe(121.987654);
  });

  it('2. 2019 platform general response 0x8001', () => {
    const m = decodeOk(VECTORS[1]!);
    expect(m.header).toMatchObject({ msgId: 0x8001, headerVersion: '2019', protocolVersion: 1, phone: '00000000013912344329', bodyLength: 5 });
    expect(m.body).toEqual({ kind: 'platform_general_response', replySerial: 111, replyMsgId: 0x0200, result: 0 });
    expect(m.checksum).toBe(0xdc);
  });

  it('3. 2013 location report 0x0200 (traccar): every documented field', () => {
    const m = decodeOk(VECTORS[2]!);
    expect(m.header).toEqual({
      msgId: 0x0200,
      bodyLength: 42,
      encryption: 0,
      headerVersion: '2013',
      protocolVersion: null,
      phone: '013833501744',
      serial: 25,
      subpackage: null,
    });
    expect(m.checksum).toBe(0x9f);
    if (m.body.kind !== 'location') throw new Error(m.body.kind);
    expect(m.body.location).toMatchObject({
      alarm: 0,
      status: 0xc2,
      positioned: true,
      south: false,
      west: false,
      lat: 22.6426,
      lon: 114.032984,
      altitudeM: 128,
      speedKmh: 0,
      directionDeg: 8,
      timeBeijing: '150818072121',
      mileageKm: 75.7,
      fuelL: 0,
      tachographSpeedKmh: 0,
    });
    expect(new Date(m.body.location.ts).toISOString()).toBe('2015-08-17T23:21:21.000Z');
  });

  it('4. 2013 heartbeat 0x0002', () => {
    const m = decodeOk(VECTORS[3]!);
    expect(m.header).toMatchObject({ msgId: 0x0002, headerVersion: '2013', phone: '043048325465', serial: 183, bodyLength: 0 });
    expect(m.body).toEqual({ kind: 'heartbeat' });
    expect(m.checksum).toBe(0xca);
  });

  it('5. 2013 authentication 0x0102', () => {
    const m = decodeOk(VECTORS[4]!);
    expect(m.header).toMatchObject({ msgId: 0x0102, phone: '013511221122', serial: 6, bodyLength: 14 });
    expect(m.body).toEqual({ kind: 'authentication', authCode: 'authentication', imei: null, softwareVersion: null });
    expect(m.checksum).toBe(0x3f);
  });

  it('6. escaping: 30 7E 08 7D 55 ⇄ 7E 30 7D 02 08 7D 01 55 7E', () => {
    expect(toHex(jt808Escape(hexBytes('307e087d55')))).toBe('7e307d02087d01557e');
    expect(toHex(jt808Unescape(hexBytes('307d02087d0155')) as Uint8Array)).toBe('307e087d55');
  });

  it('7. negative: declared body length 50 > 40 bytes present → body_length_exceeds_frame', () => {
    // vector 3 with bodyAttr 50 and its body cut to 40 bytes, checksum recomputed so only the length is wrong
    const inner = hexBytes(VECTORS[2]!).subarray(1, -2); // header + 42-byte body
    const content = new Uint8Array(12 + 40 + 1);
    content.set(inner.subarray(0, 12 + 40));
    content[3] = 50;
    content[content.length - 1] = xorChecksum(content, content.length - 1);
    const r = decodeJt808Frame(jt808Escape(content));
    expect(r).toEqual({ ok: false, error: { code: 'body_length_exceeds_frame', detail: expect.stringContaining('50') } });
    if (!r.ok) expect(r.error.detail).toContain('40');
  });

  it.each<[string, (h: string) => string, string]>([
    ['one flipped bit', (h) => h.slice(0, 40) + (h[40] === '0' ? '1' : '0') + h.slice(41), 'bad_checksum'],
    ['no closing 0x7E', (h) => h.slice(0, -2), 'not_framed'],
    ['7D followed by 03', (h) => `7e7d03${h.slice(2)}`, 'bad_escape'],
    ['only a few bytes', () => '7e0200017e', 'too_short'],
    ['one byte too many', (h) => appendByteFixSum(h), 'frame_longer_than_body'],
  ])('refuses a frame with %s', (_c, mutate, code) => {
    const r = decodeJt808Frame(hexBytes(mutate(VECTORS[2]!)));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it('a location whose time is not a calendar time → bad_time', () => {
    const inner = Uint8Array.from(hexBytes(VECTORS[2]!).subarray(1, -1));
    inner.fill(0, 12 + 22, 12 + 28); // time 000000000000
    inner[inner.length - 1] = xorChecksum(inner, inner.length - 1);
    const r = decodeJt808Frame(jt808Escape(inner));
    expect(!r.ok && r.error.code).toBe('bad_time');
  });

  it('0x0704 blind-area batch: two stored reports decode as two locations', () => {
    const body3 = hexBytes(VECTORS[2]!).subarray(13, 13 + 42);
    const body = new Uint8Array(3 + 2 * (2 + 42));
    body.set([0x00, 0x02, 0x01]);
    body.set([0x00, 42], 3);
    body.set(body3, 5);
    body.set([0x00, 42], 47);
    body.set(body3, 49);
    const header = hexBytes('0704' + body.length.toString(16).padStart(4, '0') + '013833501744' + '001a');
    const content = new Uint8Array(header.length + body.length + 1);
    content.set(header);
    content.set(body, header.length);
    content[content.length - 1] = xorChecksum(content, content.length - 1);
    const m = decodeOk(toHex(jt808Escape(content)));
    expect(m.body).toMatchObject({ kind: 'location_batch', batchType: 1, locations: [{ lat: 22.6426 }, { lon: 114.032984 }] });
  });
});

function appendByteFixSum(h: string): string {
  const inner = hexBytes(h).subarray(1, -2);
  const content = new Uint8Array(inner.length + 2);
  content.set(inner);
  content[inner.length] = 0x00;
  content[inner.length + 1] = xorChecksum(content, inner.length + 1);
  return toHex(jt808Escape(content));
}

describe('JT/T 808 fixes through the same filters', () => {
  const CFG = { maxPayloadBytes: 65536, maxFutureS: 300, maxAgeS: 7 * 86400, maxSpeedKmh: 250, maxAccuracyM: 200 };

  it('jt808LocationToFix maps vector 3 (Beijing time → UTC)', () => {
    const m = decodeOk(VECTORS[2]!);
    if (m.body.kind !== 'location') throw new Error(m.body.kind);
    expect(jt808LocationToFix(m.body.location, 'amb-808')).toEqual({
      unitId: 'amb-808',
      ts: Date.UTC(2015, 7, 17, 23, 21, 21),
      lat: 22.6426,
      lon: 114.032984,
      speedKmh: 0,
      headingDeg: 8,
      accuracyM: null,
      altitudeM: 128,
      stepM: 0,
    });
  });

  it.each<[string, number, number, string[]]>([
    ['vector 3 received a minute later', 2, 60_000, []],
    ['vector 1 received a minute later', 0, 60_000, []],
    ['vector 3 received a month later', 2, 30 * 86_400_000, ['too_old']],
    ['vector 1 received an hour early (terminal clock ahead)', 0, -3600_000, ['future']],
  ])('%s', (_c, idx, delay, expected) => {
    const m = decodeOk(VECTORS[idx]!);
    if (m.body.kind !== 'location') throw new Error(m.body.kind);
    const c = jt808LocationToCandidate(m.body.location, 'amb-808', VECTORS[idx]!);
    const o = new TelemetryPipeline(CFG).processFixes('amb-808', [c], m.body.location.ts + delay);
    expect(o.rejections.map((r) => r.reason)).toEqual(expected);
    expect(o.fixes).toHaveLength(expected.length === 0 ? 1 : 0);
  });

  it('a report flagged "not positioned" is refused as no_gnss_fix with the frame as raw', () => {
    const m = decodeOk(VECTORS[2]!);
    if (m.body.kind !== 'location') throw new Error(m.body.kind);
    const c = jt808LocationToCandidate({ ...m.body.location, positioned: false }, 'amb-808', VECTORS[2]!);
    const o = new TelemetryPipeline(CFG).processFixes('amb-808', [c], m.body.location.ts);
    expect(o.rejections).toEqual([{ reason: 'no_gnss_fix', detail: expect.any(String), unitId: 'amb-808', raw: VECTORS[2] }]);
  });
});
