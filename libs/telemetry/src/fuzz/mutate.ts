import fc from 'fast-check';

/**
 * Mutations of real payloads, as fast-check arbitraries of *operations* (not of mutated values): the
 * operation lists shrink well and print readably in a counterexample, and one seed payload yields many
 * inputs. Positions are naturals taken modulo the current length, so an operation applies to any seed.
 */

// ---------------------------------------------------------------- bytes

/** Byte sequences that are not UTF-8: lone continuation, overlong, surrogate, > U+10FFFF, cut sequences. */
export const INVALID_UTF8: readonly (readonly number[])[] = [
  [0x80],
  [0xbf],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xfe],
  [0xff],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
];

export type ByteOp =
  | { k: 'flip'; at: number; bit: number }
  | { k: 'set'; at: number; byte: number }
  | { k: 'insert'; at: number; bytes: Uint8Array }
  | { k: 'delete'; at: number; len: number }
  | { k: 'truncate'; at: number }
  | { k: 'dup'; at: number; len: number }
  | { k: 'badUtf8'; at: number; seq: number };

const at = fc.nat({ max: 0xffff });

export const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('flip' as const), at, bit: fc.nat({ max: 7 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('set' as const), at, byte: fc.nat({ max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('delete' as const), at, len: fc.integer({ min: 1, max: 16 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('truncate' as const), at }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('dup' as const), at, len: fc.integer({ min: 1, max: 64 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('badUtf8' as const), at, seq: fc.nat({ max: INVALID_UTF8.length - 1 }) }) },
);

function splice(b: Uint8Array, i: number, del: number, ins: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(b.length - del + ins.length);
  out.set(b.subarray(0, i), 0);
  out.set(ins, i);
  out.set(b.subarray(i + del), i + ins.length);
  return out;
}

/** Applies the operations in order to a copy; the input is never modified (seeds are shared). */
export function applyByteOps(input: Uint8Array, ops: readonly ByteOp[]): Uint8Array {
  let b = input;
  for (const op of ops) {
    const i = b.length === 0 ? 0 : op.at % (b.length + (op.k === 'insert' || op.k === 'badUtf8' ? 1 : 0));
    switch (op.k) {
      case 'flip':
        if (b.length > 0) b = splice(b, i, 1, [b[i]! ^ (1 << op.bit)]);
        break;
      case 'set':
        if (b.length > 0) b = splice(b, i, 1, [op.byte]);
        break;
      case 'insert':
        b = splice(b, i, 0, op.bytes);
        break;
      case 'delete':
        b = splice(b, i, Math.min(op.len, b.length - i), []);
        break;
      case 'truncate':
        b = b.slice(0, i);
        break;
      case 'dup':
        b = splice(b, i, 0, b.slice(i, i + op.len));
        break;
      case 'badUtf8':
        b = splice(b, i, 0, INVALID_UTF8[op.seq]!);
        break;
    }
  }
  return b === input ? input.slice() : b;
}

// ---------------------------------------------------------------- JSON values

/**
 * Tokens JSON.stringify cannot produce but a terminal can send: NaN-like words (invalid JSON), numbers
 * that parse to ±Infinity, -0 or a denormal, integers beyond 2^53, and nesting deeper than JSON.stringify
 * can serialise again (~4,000 levels; it parses fine), which is what dead-letter code must survive.
 */
export type RawToken = { raw: string } | { deep: number };

export const rawToken: fc.Arbitrary<RawToken> = fc.oneof(
  {
    weight: 200,
    arbitrary: fc.constantFrom(
      'NaN',
      'Infinity',
      '-Infinity',
      'undefined',
      '1e999',
      '-1e999',
      '1e-400',
      '-0',
      '-0.0',
      '0e0',
      '9007199254740993',
      '123456789012345678901234567890',
      '1E20',
      '0x10',
      '01',
      '.5',
      '"\\ud800"',
      '"\\u0000"',
      '"\\uZZZZ"',
    ).map((raw) => ({ raw })),
  },
  // rare: ~2 ms each (parse, then a stack overflow in JSON.stringify); mqtt-arbitraries has a family of its own
  { weight: 1, arbitrary: fc.integer({ min: 6000, max: 9000 }).map((deep) => ({ deep })) },
);

/** Values at or just past every limit the validators check, plus types no field expects. */
export const boundaryValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -0,
    -1,
    1,
    0.5,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MIN_VALUE,
    90,
    90.000001,
    -90.000001,
    180,
    180.000001,
    360,
    360.1,
    1000,
    1000.1,
    100_000.1,
    -1000.1,
    10_000.1,
    '',
    'NaN',
    '1e308',
    '61.195709',
    'location',
    'lwt',
    'transition',
    'WGS84',
    'GCJ02',
    'BD09',
    'terminal',
    'dispatcher',
    '__proto__',
    [],
    {},
    [[]],
  ) },
  { weight: 3, arbitrary: fc.double() },
  { weight: 3, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
  // huge values are rarer: they cost most per input
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 3000 }).map((n) => new Array<number>(n).fill(0)) },
);

export const FIELD_NAMES = [
  'ts', 'lat', 'lon', 'speedKmh', 'headingDeg', 'accuracyM', 'altitudeM', 'crs',
  'status', 'source', 'taskId',
  '_type', 'tst', 'acc', 'alt', 'vel', 'cog',
  '__proto__', 'constructor', 'toString',
] as const;

export type JsonOp =
  | { k: 'delete'; key: number }
  | { k: 'set'; key: number; value: unknown }
  | { k: 'raw'; key: number; token: RawToken }
  | { k: 'retype'; key: number }
  | { k: 'wrap' }
  | { k: 'repeat'; n: number };

const key = fc.nat({ max: 63 });

export const jsonOp: fc.Arbitrary<JsonOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('delete' as const), key }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('set' as const), key, value: boundaryValue }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('raw' as const), key, token: rawToken }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('retype' as const), key }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('wrap' as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('repeat' as const), n: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 2, max: 20 }) }, { weight: 1, arbitrary: fc.integer({ min: 21, max: 300 }) }) }) },
);

/** Largest text a 'repeat' may build: big enough for long re-upload arrays; the size limit has its own generator. */
const MAX_MUTANT_CHARS = 32 * 1024;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Swaps a value for one of another JSON type that keeps its content (the classic "61.195709" lat). */
function retype(v: unknown): unknown {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v === '' ? null : Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null) return 0;
  if (Array.isArray(v)) return { ...v };
  return [v];
}

/**
 * Applies JSON-level operations to a deep copy of `value` and serialises it; raw tokens go in by text
 * substitution of a placeholder string. Keys are chosen among the object's own keys and FIELD_NAMES.
 * `__proto__` is set with defineProperty, as JSON.parse would create it (an own property, not a prototype).
 */
export function applyJsonOps(value: unknown, ops: readonly JsonOp[]): string {
  let v: unknown = structuredClone(value);
  const raws: string[] = [];
  for (const op of ops) {
    if (op.k === 'wrap') {
      v = [v];
      continue;
    }
    if (op.k === 'repeat') {
      // bounded just above the payload limit: repeats compound (300 × 300 × …)
      if ((JSON.stringify(v)?.length ?? 0) * op.n > MAX_MUTANT_CHARS) continue;
      const one = v;
      v = Array.from({ length: op.n }, () => structuredClone(one));
      continue;
    }
    // object ops target the value, or one element of a top-level array
    let target = v;
    if (Array.isArray(v) && v.length > 0) target = v[op.key % v.length];
    if (!isRecord(target)) continue;
    const keys = [...Object.keys(target), ...FIELD_NAMES];
    const name = keys[op.key % keys.length]!;
    const put = (x: unknown): void => void Object.defineProperty(target, name, { value: x, enumerable: true, writable: true, configurable: true });
    if (op.k === 'delete') delete target[name];
    else if (op.k === 'set') put(op.value);
    else if (op.k === 'retype') put(retype(Object.hasOwn(target, name) ? target[name] : null)); // not inherited toString
    else {
      const tok = op.token;
      raws.push('raw' in tok ? tok.raw : '['.repeat(tok.deep) + ']'.repeat(tok.deep));
      put(`\u0000RAW${raws.length - 1}\u0000`);
    }
  }
  let text = JSON.stringify(v) ?? 'null';
  raws.forEach((r, i) => {
    text = text.split(JSON.stringify(`\u0000RAW${i}\u0000`)).join(r);
  });
  return text;
}
