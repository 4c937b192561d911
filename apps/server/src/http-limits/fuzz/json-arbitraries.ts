import fc from 'fast-check';

/**
 * Generators of HTTP inputs for the fuzz specs: JSON values that are awkward for a validator (edge
 * numbers, NaN-ish and unicode strings, keys like __proto__), valid bodies mutated one step at a time,
 * and JSON texts mutated at the byte level. Bodies are produced as JSON text, as a client sends them,
 * so a key "__proto__" is an own property after JSON.parse exactly as on the server.
 */

/** An object as ordered [key, value] pairs: keys may repeat (the last wins in JSON.parse), may be __proto__. */
export type Entries = Array<[string, Json]>;
export type Json = null | boolean | number | string | Json[] | { entries: Entries };

export function jsonText(v: Json): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
}

export const obj = (entries: Entries): Json => ({ entries });

export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -0, 1, -1, 0.5, 4, 5, 50, 51, 90, -90, 90.0000001, -90.0000001, 180, -180, 180.0000001, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 4294967296),
);

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '', ' ', 'NaN', 'Infinity', '-Infinity', '1e309', '-0', '0x10', '42.5', '1,2', '42.5,1.5', 'null', 'true', 'undefined', '[]', '{}',
    ...POLLUTION_KEYS, '\u0000', 'a\u0000b', '\ud800', '\udfff', '😀', '１２０', '２０２６-01-01', 'ａｌｓ', 'als', 'ALS', 'als ', 'negative-pressure',
    'AMB-01', 'WGS84', 'GCJ02', 'wgs84', 'aborted', 'en_route', 'available_at_station',
    '2026-02-30T00:00:00Z', '2026-01-01', '2026-01-01T00:00:00Z', '2026-13-01T00:00:00Z', '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z', '1970-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '2026-W01-1', '2026-001', 'Jan 1 2026', '0', '99999999999999999999',
    '<script>', "'; DROP TABLE tasks; --", '%00', '../../etc/passwd',
  ),
  fc.string({ minLength: 500, maxLength: 4000 }),
);

const leaf: fc.Arbitrary<Json> = fc.oneof(fc.constant(null), fc.boolean(), edgeNumber, nastyString);

/** Any JSON value, mostly shallow, sometimes objects whose keys are prototype names. */
export const anyJson: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('v'), { maxLength: 5 }),
    fc.array(fc.tuple(fc.oneof(nastyString, fc.constantFrom(...POLLUTION_KEYS)), tie('v')), { maxLength: 5 }).map(obj),
  ),
})).v;

/** Nesting from shallow to far beyond any legitimate body (arrays, objects, or both). */
export const deepJson: fc.Arbitrary<Json> = fc.tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom('array', 'object', 'mixed')).map(([depth, kind]) => {
  let v: Json = 1;
  for (let i = 0; i < depth; i++) v = kind === 'array' || (kind === 'mixed' && i % 2 === 0) ? [v] : obj([['a', v]]);
  return v;
});

/** Replacements for a field's value: another type, an edge number, a huge or deep value. */
export const otherValue: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: leaf, weight: 4 },
  { arbitrary: anyJson, weight: 3 },
  { arbitrary: deepJson, weight: 1 },
  { arbitrary: fc.array(leaf, { minLength: 11, maxLength: 200 }), weight: 1 },
  // String() and Number() throw on this object: it found the coverage parsers' TypeErrors
  { arbitrary: fc.constant(obj([['toString', 0], ['valueOf', 0]])), weight: 1 },
);

/** One step away from a valid object: drop, retype, wrap, duplicate or add a key (recursing into objects). */
export function mutateEntries(entries: Entries): fc.Arbitrary<Entries> {
  const n = entries.length;
  const at = fc.nat({ max: Math.max(0, n - 1) });
  const options: Array<fc.Arbitrary<Entries>> = [
    fc.tuple(fc.oneof(nastyString, fc.constantFrom(...POLLUTION_KEYS)), otherValue, fc.nat({ max: n })).map(([k, v, i]) => [...entries.slice(0, i), [k, v] as [string, Json], ...entries.slice(i)]),
  ];
  if (n > 0) {
    options.push(
      at.map((i) => entries.filter((_, j) => j !== i)),
      fc.tuple(at, otherValue).map(([i, v]) => entries.map((e, j): [string, Json] => (j === i ? [e[0], v] : e))),
      at.map((i) => entries.map((e, j): [string, Json] => (j === i ? [e[0], [e[1]]] : e))),
      fc.tuple(at, otherValue).map(([i, v]) => [...entries, [entries[i]![0], v] as [string, Json]]),
      fc.tuple(at, nastyString).map(([i, s]) => entries.map((e, j): [string, Json] => (j === i ? [e[0], s] : e))),
      fc.tuple(at, edgeNumber).map(([i, x]) => entries.map((e, j): [string, Json] => (j === i ? [e[0], x] : e))),
    );
    const nested = entries.map((e, i) => [e, i] as const).filter(([e]) => e[1] !== null && typeof e[1] === 'object' && !Array.isArray(e[1]));
    for (const [[k, v], i] of nested) {
      options.push(mutateEntries((v as { entries: Entries }).entries).map((inner) => entries.map((e, j): [string, Json] => (j === i ? [k, obj(inner)] : e))));
    }
    // into lists of objects too (GeoJSON features): one element mutated
    const lists = entries.map((e, i) => [e, i] as const).filter(([e]) => Array.isArray(e[1]) && e[1].some((x) => x !== null && typeof x === 'object' && !Array.isArray(x)));
    for (const [[k, v], i] of lists) {
      const items = v as Json[];
      const objIdx = items.map((x, n) => [x, n] as const).filter(([x]) => x !== null && typeof x === 'object' && !Array.isArray(x));
      options.push(
        fc.constantFrom(...objIdx).chain(([x, n]) =>
          mutateEntries((x as { entries: Entries }).entries).map((inner) => entries.map((e, j): [string, Json] => (j === i ? [k, items.map((y, m) => (m === n ? obj(inner) : y))] : e))),
        ),
      );
    }
  }
  return fc.oneof(...options);
}

/** Byte-level damage to a JSON text: truncation, a flipped or inserted character, a stray token. */
export function mutateText(text: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.nat({ max: text.length }).map((i) => text.slice(0, i)),
    fc.tuple(fc.nat({ max: Math.max(0, text.length - 1) }), fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '\\', '\u0000', 'x', '9', ' ')).map(([i, c]) => text.slice(0, i) + c + text.slice(i + 1)),
    fc.tuple(fc.nat({ max: text.length }), fc.constantFrom('NaN', 'Infinity', 'undefined', "'", '//', '/*', '\ufeff', ',,', '}{')).map(([i, c]) => text.slice(0, i) + c + text.slice(i)),
  );
}
