import fc from 'fast-check';
import { jt808Vectors, nativeFixSeeds, owntracksSamples, STATUS_VALUES } from './corpus';
import { applyByteOps, applyJsonOps, byteOp, jsonOp } from './mutate';
import type { MqttInput } from './properties';

/**
 * MQTT messages for TelemetryPipeline.process: every topic kind, with payloads from arbitrary JSON and
 * JSON-ish text to mutated real samples (OwnTracks files, native fixes from the Shenzhen trace, status,
 * presence), random bytes, oversize and deeply nested ones. Topics mostly match the payload so that
 * inputs reach the validators and filters, sometimes not (a status on a position topic), sometimes garbage.
 */

/** Reception time of every message: fixed, so the seed alone replays a run. */
export const FUZZ_T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const DAY_MS = 86_400_000;

type Kind = 'position' | 'status' | 'presence' | 'owntracks';
const enc = new TextEncoder();

/** A few units receive most messages (duplicate and speed-jump state); random ids exercise the LRU. */
const unitId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('u1', 'u2', 'amb-0001', 'A_9') },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'abcXYZ019_-'), minLength: 1, maxLength: 64 }) },
);
const otName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('alice', 'bob_2') },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'abcXYZ019_'), minLength: 1, maxLength: 31 }) },
);

const topicOf = (kind: Kind): fc.Arbitrary<string> =>
  kind === 'owntracks'
    ? fc.tuple(otName, otName).map(([u, d]) => `owntracks/${u}/${d}`)
    : unitId.map((id) => `ems/v1/units/${id}/${kind}`);

const garbageTopic = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom('#', '', 'ems/v1/units//position', 'ems/v1/units/u1/position/', 'owntracks/a-b/c', 'owntracks/a/b/c', 'ems/v1/units/u 1/status', 'ems/v1/units/ü/presence'),
);
const anyKind = fc.constantFrom<Kind>('position', 'status', 'presence', 'owntracks');

/** The payload's own kind 18 times in 20, another kind once, a garbage topic once. */
const topicFor = (kind: Kind): fc.Arbitrary<string> =>
  fc.oneof({ weight: 18, arbitrary: topicOf(kind) }, { weight: 1, arbitrary: anyKind.chain(topicOf) }, { weight: 1, arbitrary: garbageTopic });

/** Time offsets around the limits: mostly plausible, some too old or in the future. */
const tsOffset = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -600_000, max: 10_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: -8 * DAY_MS, max: 3_600_000 }) },
);

/** Byte mutation lists: none for 3 inputs in 4, so most mutated JSON still parses. */
const byteOps = fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(byteOp, { minLength: 1, maxLength: 4 }) });
const jsonOps = fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 3, arbitrary: fc.array(jsonOp, { minLength: 1, maxLength: 4 }) });

const message = (kind: Kind, text: fc.Arbitrary<string>): fc.Arbitrary<MqttInput> =>
  fc.record({ topic: topicFor(kind), text, ops: byteOps }).map(({ topic, text, ops }) => ({
    topic,
    payload: applyByteOps(enc.encode(text), ops),
    receivedAt: FUZZ_T0,
  }));

export function mqttArbitrary(maxPayloadBytes: number): fc.Arbitrary<MqttInput> {
  const fixes = nativeFixSeeds();
  const samples = owntracksSamples();

  // a native fix: a real taxi position re-timed near reception, with optional fields as terminals send them
  const nativeFix = fc
    .record({
      i: fc.nat({ max: fixes.length - 1 }),
      dt: tsOffset,
      extra: fc.record(
        { accuracyM: fc.integer({ min: 0, max: 300 }), headingDeg: fc.integer({ min: 0, max: 360 }), altitudeM: fc.constant(12), crs: fc.constantFrom('WGS84', 'GCJ02', 'BD09') },
        { requiredKeys: [] },
      ),
    })
    .map(({ i, dt, extra }) => ({ ...fixes[i]!, ts: FUZZ_T0 + dt, ...extra }));
  const positionText = fc.record({ fix: nativeFix, many: fc.array(nativeFix, { maxLength: 20 }), asArray: fc.boolean(), ops: jsonOps })
    .map(({ fix, many, asArray, ops }) => applyJsonOps(asArray ? [fix, ...many] : fix, ops));

  const statusText = fc
    .record({
      ts: tsOffset.map((dt) => FUZZ_T0 + dt),
      status: fc.constantFrom(...STATUS_VALUES),
      source: fc.constantFrom('terminal', 'dispatcher'),
      taskId: fc.option(fc.constantFrom('t-1', '550e8400-e29b-41d4-a716-446655440000', 'bad id'), { nil: undefined }),
      ops: jsonOps,
    })
    .map(({ ops, ...s }) => applyJsonOps(s, ops));

  const presenceText = fc.oneof(fc.constantFrom('online', 'offline', '', 'ONLINE', ' online', '"online"', 'online\n'), fc.string({ maxLength: 12 }));

  // a real OwnTracks file, its tst re-timed near reception 2 times in 3 (else it is simply too old)
  const owntracksText = fc.record({ i: fc.nat({ max: samples.length - 1 }), retime: fc.option(tsOffset), ops: jsonOps }).map(({ i, retime, ops }) => {
    let v = samples[i]!.value;
    if (retime !== null) {
      const tst = Math.floor((FUZZ_T0 + retime) / 1000);
      v = Array.isArray(v) ? v.map((e: unknown) => (typeof e === 'object' && e !== null ? { ...e, tst } : e)) : typeof v === 'object' && v !== null ? { ...v, tst } : v;
    }
    return ops.length === 0 && retime === null ? Buffer.from(samples[i]!.bytes).toString('utf8') : applyJsonOps(v, ops);
  });

  const jsonish = fc
    .array(fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '"lat"', '"ts"', '"tst"', '"_type"', '"location"', '1e308', '-0', 'NaN', 'null', 'true', '\\u', '\\ud800', '"\\', ' ', '\u00e9', '\u{1F691}', '12', '.5'), { maxLength: 40 })
    .map((t) => t.join(''));

  // several elements nested deeper than JSON.stringify can serialise again (dead-letter fallback)
  const deepArray = fc.record({ depth: fc.integer({ min: 6000, max: 9000 }), n: fc.integer({ min: 1, max: 14 }) }).map(({ depth, n }) => {
    const one = '['.repeat(depth) + ']'.repeat(depth);
    return `[${new Array<string>(n).fill(one).join(',')}]`;
  });

  // exactly at, just below and just above the size limit: valid JSON padded with spaces
  const sized = fc.record({ d: fc.integer({ min: -2, max: 2 }), text: positionText }).map(({ d, text }) => text + ' '.repeat(Math.max(0, maxPayloadBytes + d - enc.encode(text).length)));

  const concat = fc.tuple(positionText, owntracksText).map(([a, b]) => a + b);

  return fc.oneof(
    { weight: 80, arbitrary: anyKind.chain((k) => message(k, fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)))) },
    { weight: 40, arbitrary: anyKind.chain((k) => message(k, jsonish)) },
    { weight: 160, arbitrary: message('position', positionText) },
    { weight: 60, arbitrary: message('status', statusText) },
    { weight: 30, arbitrary: message('presence', presenceText) },
    { weight: 160, arbitrary: message('owntracks', owntracksText) },
    { weight: 40, arbitrary: fc.record({ topic: anyKind.chain(topicFor), payload: fc.uint8Array({ maxLength: 256 }), receivedAt: fc.constant(FUZZ_T0) }) },
    { weight: 20, arbitrary: anyKind.chain((k) => message(k, concat)) },
    { weight: 10, arbitrary: message('position', jt808Text()) },
    { weight: 1, arbitrary: fc.constantFrom<Kind>('position', 'owntracks').chain((k) => message(k, deepArray)) },
    { weight: 2, arbitrary: fc.constantFrom<Kind>('position', 'owntracks').chain((k) => message(k, sized)) },
  );
}

/** A JT/T 808 frame sent to an MQTT topic by mistake (binary on a JSON topic). */
function jt808Text(): fc.Arbitrary<string> {
  const v = jt808Vectors();
  return fc.nat({ max: v.length - 1 }).map((i) => Buffer.from(v[i]!).toString('latin1'));
}
