import fc from 'fast-check';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { decodeJt808Frame } from '../jt808/decode';
import { jt808Escape, jt808Unescape } from '../jt808/framing';
import { JT808_ERROR_CODES } from '../jt808/types';
import { TelemetryPipeline } from '../pipeline';
import { json } from '../testing/samples';
import { jt808Vectors, nativeFixSeeds, owntracksSamples } from './corpus';
import { checkProcess } from './properties';
import { FUZZ_CONFIG, FUZZ_TARGETS, runFuzz, TEST_RUNS, TEST_SEED, type FuzzResult } from './runner';

/**
 * Issue #8 item 5: 100,000 seeded property-based inputs across the decoders (MQTT JSON pipeline on every
 * topic kind, JT/T 808 frames, topics) in every `npm test`; `npm run fuzz` runs the same with any seed
 * and count. The properties are in properties.ts; a failure prints the seed and path that replay it.
 */

/** A real gc(): heapUsed without it is mostly garbage not yet collected, too noisy to bound. */
function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  return process.memoryUsage().heapUsed;
}

const MB = 1024 * 1024;
const results = new Map<string, FuzzResult>();
let baseline = 0;

beforeAll(() => {
  baseline = heapAfterGc();
});

describe(`decoder fuzzing (fast-check, seed ${TEST_SEED})`, () => {
  it('totals at least 100,000 generated inputs', () => {
    expect(Object.values(TEST_RUNS).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(100_000);
  });

  for (const target of FUZZ_TARGETS) {
    it(`${target}: ${TEST_RUNS[target].toLocaleString('en')} inputs, every property holds`, () => {
      const r = runFuzz(target, TEST_RUNS[target], TEST_SEED);
      results.set(target, r);
      expect(r.failure).toBeNull();
    });
  }

  it('JT/T 808 escaping: unescape(escape(b)) = b and no 0x7E inside, 10,000 random byte strings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const framed = jt808Escape(b);
        const inner = framed.subarray(1, framed.length - 1);
        return !inner.includes(0x7e) && Buffer.from(jt808Unescape(inner) as Uint8Array).equals(Buffer.from(b));
      }),
      { numRuns: 10_000, seed: TEST_SEED },
    );
  });

  // the generators must keep reaching every outcome, or a property could hold vacuously
  it('the MQTT inputs reach acceptance and every message-level and fix-level refusal', () => {
    const c = results.get('mqtt')!.counts;
    const labels = ['accepted_fix', 'accepted_status', 'accepted_online', 'accepted_offline', 'bad_topic', 'too_large', 'bad_json', 'schema', 'out_of_range', 'unsupported_type', 'future', 'too_old', 'poor_accuracy', 'duplicate', 'speed_jump'];
    expect(labels.filter((l) => !((c.get(l) ?? 0) > 0))).toEqual([]);
  });

  it('the JT/T 808 inputs reach every error code, every body kind and fixes through the pipeline', () => {
    const c = results.get('jt808')!.counts;
    const labels = [...JT808_ERROR_CODES.map((e) => `jt808_${e}`), 'jt808_ok_location', 'jt808_ok_location_batch', 'jt808_ok_authentication', 'jt808_ok_heartbeat', 'jt808_ok_opaque', 'jt808_fix_accepted', 'jt808_fix_out_of_range', 'jt808_fix_no_gnss_fix'];
    expect(labels.filter((l) => !((c.get(l) ?? 0) > 0))).toEqual([]);
  });

  it('the topic inputs reach all four topic kinds', () => {
    const c = results.get('topic')!.counts;
    expect(['topic_position', 'topic_status', 'topic_presence', 'topic_owntracks', 'topic_refused'].filter((l) => !((c.get(l) ?? 0) > 0))).toEqual([]);
  });

  it('memory: the run leaves < 32 MB more live heap than before it, and never peaked 256 MB above it', () => {
    const after = heapAfterGc();
    const peak = Math.max(...[...results.values()].map((r) => r.peakHeapUsed));
    expect((after - baseline) / MB).toBeLessThan(32);
    expect((peak - baseline) / MB).toBeLessThan(256);
  });
});

/** Mutation-free controls: the real samples stay accepted, so the properties are not met by refusing everything. */
describe('fuzz controls: unmutated real samples are accepted', () => {
  const OT = 'owntracks/alice/pixel7';

  it.each(['l.json', 'l2.json', 'location-5s.json', 'location-short.json', 'location-sk.json'])('OwnTracks %s: one fix', (file) => {
    const s = owntracksSamples().find((x) => x.file === file)!;
    const at = (s.value as { tst: number }).tst * 1000 + 1000;
    const p = new TelemetryPipeline(FUZZ_CONFIG);
    const labels = checkProcess(p, FUZZ_CONFIG, { topic: OT, payload: s.bytes, receivedAt: at });
    expect(labels).toEqual(['accepted_fix']);
  });

  it('OwnTracks lwt.json: presence offline; array.json: a fix and presence offline', () => {
    const p = new TelemetryPipeline(FUZZ_CONFIG);
    const byFile = new Map(owntracksSamples().map((s) => [s.file, s.bytes]));
    expect(checkProcess(p, FUZZ_CONFIG, { topic: OT, payload: byFile.get('lwt.json')!, receivedAt: 1699882482000 })).toEqual(['accepted_offline']);
    expect(checkProcess(p, FUZZ_CONFIG, { topic: OT, payload: byFile.get('array.json')!, receivedAt: 1_000_000 }).sort()).toEqual(['accepted_fix', 'accepted_offline']);
  });

  it('the Shenzhen trace as native position messages: every fix accepted', () => {
    const p = new TelemetryPipeline(FUZZ_CONFIG);
    const fixes = nativeFixSeeds(50);
    for (const f of fixes) {
      expect(checkProcess(p, FUZZ_CONFIG, { topic: 'ems/v1/units/taxi-1/position', payload: json(f), receivedAt: (f['ts'] as number) + 1000 })).toEqual(['accepted_fix']);
    }
  });

  it('the 5 JT/T 808 vectors decode', () => {
    const v = jt808Vectors();
    expect(v).toHaveLength(5);
    for (const f of v) expect(decodeJt808Frame(f).ok).toBe(true);
  });
});
