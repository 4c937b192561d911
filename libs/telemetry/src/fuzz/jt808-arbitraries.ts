import fc from 'fast-check';
import { jt808Escape, jt808Unescape, xorChecksum } from '../jt808/framing';
import { JT808_MSG } from '../jt808/types';
import { jt808Vectors } from './corpus';
import { FUZZ_T0 } from './mqtt-arbitraries';
import { applyByteOps, byteOp, type ByteOp } from './mutate';

/**
 * JT/T 808 frames: mutations of the real vectors (content edited before the checksum, so most mutants
 * pass the checksum and reach the header and body decoders; lying length fields, flipped version,
 * sub-package and encryption bits, other message ids), synthetic location and batch frames with lying
 * item lengths and invalid BCD times, wire-level damage after framing (flipped bytes, bad escapes,
 * truncation), concatenations and random bytes.
 */

const MSG_IDS = [JT808_MSG.location, JT808_MSG.locationBatch, JT808_MSG.authentication, JT808_MSG.heartbeat, JT808_MSG.terminalGeneralResponse, JT808_MSG.platformGeneralResponse, JT808_MSG.register];

const bcdByte = (d: number): number => ((Math.floor(d / 10) % 10) << 4) | d % 10;

/** Beijing wall time of an epoch, as the 6 BCD bytes YYMMDDhhmmss. */
function bcdTime(ms: number): number[] {
  const d = new Date(ms + 8 * 3_600_000);
  return [d.getUTCFullYear() % 100, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()].map(bcdByte);
}

/** null n-1 times in n, else a value (fc.option is the reverse: its freq is the odds of null). */
function rarely<T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
}

const u32 = fc.nat({ max: 0xffffffff });
const u16 = fc.nat({ max: 0xffff });

/** Time field: near reception (so fixes reach the filters), calendar nonsense, or non-BCD nibbles. */
const timeBytes = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -3_600_000, max: 600_000 }).map((dt) => bcdTime(FUZZ_T0 + dt)) },
  { weight: 2, arbitrary: fc.array(fc.nat({ max: 99 }), { minLength: 6, maxLength: 6 }).map((ds) => ds.map(bcdByte)) },
  { weight: 1, arbitrary: fc.array(fc.nat({ max: 255 }), { minLength: 6, maxLength: 6 }) },
);

const extraItem = fc.record({
  id: fc.oneof(fc.constantFrom(0x01, 0x02, 0x03, 0x30, 0x31), fc.nat({ max: 255 })),
  value: fc.uint8Array({ maxLength: 6 }),
  lie: rarely(fc.nat({ max: 255 }), 8),
});

/** A location body (0x0200, or one 0x0704 item): fixed 28 bytes then extra items. */
const locationBody = fc
  .record({
    alarm: u32,
    status: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0x02, 0x06, 0x0a, 0x0e, 0x22, 0x00, 0x16, 0xc2) }, { weight: 1, arbitrary: u32 }),
    lat: fc.oneof({ weight: 3, arbitrary: fc.nat({ max: 90_000_000 }) }, { weight: 1, arbitrary: u32 }),
    lon: fc.oneof({ weight: 3, arbitrary: fc.nat({ max: 180_000_000 }) }, { weight: 1, arbitrary: u32 }),
    alt: fc.oneof({ weight: 4, arbitrary: fc.nat({ max: 3000 }) }, { weight: 1, arbitrary: u16 }),
    speed: fc.oneof({ weight: 4, arbitrary: fc.nat({ max: 2000 }) }, { weight: 1, arbitrary: u16 }),
    dir: fc.oneof({ weight: 4, arbitrary: fc.nat({ max: 359 }) }, { weight: 1, arbitrary: u16 }),
    time: timeBytes,
    extras: fc.array(extraItem, { maxLength: 4 }),
  })
  .map((l) => {
    const out: number[] = [];
    const w32 = (x: number): void => void out.push((x >>> 24) & 255, (x >>> 16) & 255, (x >>> 8) & 255, x & 255);
    const w16 = (x: number): void => void out.push((x >>> 8) & 255, x & 255);
    w32(l.alarm), w32(l.status), w32(l.lat), w32(l.lon), w16(l.alt), w16(l.speed), w16(l.dir);
    out.push(...l.time);
    for (const e of l.extras) out.push(e.id, e.lie ?? e.value.length, ...e.value);
    return out;
  });

/** A 0x0704 body; count and item lengths lie sometimes. */
const batchBody = fc
  .record({ items: fc.array(locationBody, { minLength: 1, maxLength: 5 }), type: fc.nat({ max: 2 }), countLie: rarely(u16, 6), lenLie: rarely(u16, 6) })
  .map(({ items, type, countLie, lenLie }) => {
    const n = countLie ?? items.length;
    const out = [(n >> 8) & 255, n & 255, type];
    items.forEach((it, i) => {
      const len = i === 0 && lenLie !== null ? lenLie : it.length;
      out.push((len >> 8) & 255, len & 255, ...it);
    });
    return out;
  });

/** Header + body + checksum (unescaped content); the body length field may lie. */
export const syntheticContent = fc
  .record({
    v2019: fc.boolean(),
    msg: fc.oneof({ weight: 3, arbitrary: fc.constant(JT808_MSG.location) }, { weight: 2, arbitrary: fc.constant(JT808_MSG.locationBatch) }, { weight: 1, arbitrary: fc.constantFrom(...MSG_IDS) }),
    loc: locationBody,
    batch: batchBody,
    other: fc.uint8Array({ maxLength: 64 }),
    sub: rarely(fc.tuple(u16, u16), 10),
    enc: rarely(fc.nat({ max: 7 }), 10),
    lenLie: rarely(fc.nat({ max: 0x3ff }), 8),
    phone: fc.array(fc.nat({ max: 9 }), { minLength: 20, maxLength: 20 }),
    badPhone: rarely(fc.nat({ max: 255 }), 20),
  })
  .map((f) => {
    const body = f.msg === JT808_MSG.location ? f.loc : f.msg === JT808_MSG.locationBatch ? f.batch : [...f.other];
    const len = (f.lenLie ?? body.length) & 0x3ff;
    const attr = len | ((f.enc ?? 0) << 10) | (f.sub ? 1 << 13 : 0) | (f.v2019 ? 1 << 14 : 0);
    const out = [(f.msg >> 8) & 255, f.msg & 255, (attr >> 8) & 255, attr & 255];
    if (f.v2019) out.push(1);
    const digits = f.phone.slice(0, f.v2019 ? 20 : 12);
    for (let i = 0; i < digits.length; i += 2) out.push((digits[i]! << 4) | digits[i + 1]!);
    if (f.badPhone !== null) out[out.length - 1] = f.badPhone;
    out.push(0, 7);
    if (f.sub) out.push(f.sub[0] >> 8, f.sub[0] & 255, f.sub[1] >> 8, f.sub[1] & 255);
    out.push(...body);
    const bytes = Uint8Array.from(out);
    const withSum = new Uint8Array(bytes.length + 1);
    withSum.set(bytes);
    withSum[bytes.length] = xorChecksum(bytes);
    return withSum;
  });

/** Edits of a real vector's content: the bodyAttr field rewritten (length, flags), the msgId swapped, bytes mutated. */
type ContentOp = { k: 'len'; v: number } | { k: 'flags'; bits: number } | { k: 'msg'; id: number } | { k: 'bytes'; ops: ByteOp[] };
const contentOp: fc.Arbitrary<ContentOp> = fc.oneof(
  fc.record({ k: fc.constant('len' as const), v: fc.nat({ max: 0x3ff }) }),
  fc.record({ k: fc.constant('flags' as const), bits: fc.nat({ max: 0x3f }) }),
  fc.record({ k: fc.constant('msg' as const), id: fc.oneof(fc.constantFrom(...MSG_IDS), u16) }),
  fc.record({ k: fc.constant('bytes' as const), ops: fc.array(byteOp, { minLength: 1, maxLength: 3 }) }),
);

function applyContentOps(content: Uint8Array, ops: readonly ContentOp[], fixSum: boolean): Uint8Array {
  let c: Uint8Array = content.slice(0, content.length - 1); // without the checksum
  for (const op of ops) {
    if (op.k === 'bytes') c = applyByteOps(c, op.ops);
    else if (c.length >= 4) {
      if (op.k === 'len') (c[2] = (c[2]! & 0xfc) | (op.v >> 8)), (c[3] = op.v & 255);
      else if (op.k === 'flags') c[2] = (c[2]! & 0x03) | (op.bits << 2);
      else (c[0] = op.id >> 8), (c[1] = op.id & 255);
    }
  }
  const out = new Uint8Array(c.length + 1);
  out.set(c);
  out[c.length] = fixSum ? xorChecksum(c) : content[content.length - 1]!;
  return out;
}

export function jt808Arbitrary(): fc.Arbitrary<Uint8Array> {
  const contents = jt808Vectors().map((f) => {
    const c = jt808Unescape(f.subarray(1, f.length - 1));
    if (typeof c === 'string') throw new Error(`vector not unescapable: ${c}`);
    return c;
  });
  const mutatedVector = fc
    .record({ i: fc.nat({ max: contents.length - 1 }), ops: fc.array(contentOp, { maxLength: 3 }), fixSum: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) })
    .map(({ i, ops, fixSum }) => applyContentOps(contents[i]!, ops, fixSum));
  const framed = fc.oneof({ weight: 3, arbitrary: mutatedVector }, { weight: 3, arbitrary: syntheticContent }).map(jt808Escape);
  // damage after framing: flipped bytes, escapes broken (0x7D + anything), truncation, lost delimiters
  const wireOps = fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(byteOp, { minLength: 1, maxLength: 3 }) });
  const damaged = fc.tuple(framed, wireOps).map(([f, ops]) => applyByteOps(f, ops));
  const badEscape = fc.tuple(framed, fc.nat(), fc.nat({ max: 255 })).map(([f, at, b]) => {
    const i = 1 + (at % Math.max(1, f.length - 2));
    const out = new Uint8Array(f.length + 2);
    out.set(f.subarray(0, i));
    out.set([0x7d, b], i);
    out.set(f.subarray(i), i + 2);
    return out;
  });
  const concat = fc.tuple(framed, framed).map(([a, b]) => Uint8Array.from([...a, ...b]));
  const randomFramed = fc.uint8Array({ maxLength: 128 }).map((b) => Uint8Array.from([0x7e, ...b, 0x7e]));
  return fc.oneof(
    { weight: 12, arbitrary: damaged },
    { weight: 2, arbitrary: badEscape },
    { weight: 1, arbitrary: concat },
    { weight: 2, arbitrary: randomFramed },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 128 }) },
  );
}

/** Topics: random strings, and near-misses of the two topic shapes (every character class in every level). */
export function topicArbitrary(): fc.Arbitrary<string> {
  const level = fc.string({ unit: fc.constantFrom(...'aZ09_-/+#$ .\u00e9\u0000'), maxLength: 70 });
  // mostly legal characters, lengths around the 31/32/64 limits
  const safe = fc.string({ unit: fc.constantFrom(...'aZ09_-'), maxLength: 66 });
  const level2 = fc.oneof(level, safe);
  return fc.oneof(
    fc.string({ maxLength: 100 }),
    fc.tuple(level2, fc.constantFrom('position', 'status', 'presence', 'positions', '', 'position/')).map(([id, k]) => `ems/v1/units/${id}/${k}`),
    fc.tuple(level2, level2).map(([u, d]) => `owntracks/${u}/${d}`),
    fc.tuple(fc.constantFrom('ems/v1/units/', 'owntracks/', 'ems/v1/', '$share/g/owntracks/', ''), level2).map(([p, rest]) => p + rest),
  );
}
