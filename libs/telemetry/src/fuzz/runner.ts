import fc from 'fast-check';
import { TelemetryPipeline } from '../pipeline';
import type { TelemetryConfig } from '../types';
import { jt808Arbitrary, topicArbitrary } from './jt808-arbitraries';
import { FUZZ_T0, mqttArbitrary } from './mqtt-arbitraries';
import { checkJt808, checkProcess, checkTopic } from './properties';

/**
 * The fuzz targets and one runner shared by the Jest specs (fixed seed, ~10^5 inputs) and
 * `npm run fuzz` (any seed, any count). fast-check generates, checks and, on a failure, shrinks and
 * reports the seed and path that replay it.
 */

/** The production payload limit (INGEST_MAX_PAYLOAD_BYTES default); few units so the LRU is exercised. */
export const FUZZ_CONFIG: TelemetryConfig = {
  maxPayloadBytes: 256 * 1024,
  maxFutureS: 300,
  maxAgeS: 7 * 86_400,
  maxSpeedKmh: 250,
  maxAccuracyM: 200,
  maxTrackedUnits: 256,
};

export const FUZZ_TARGETS = ['mqtt', 'jt808', 'topic'] as const;
export type FuzzTargetName = (typeof FUZZ_TARGETS)[number];

/** Inputs per target in `npm test`: 100,000 in all, weighted by cost (a pipeline message costs most). */
export const TEST_RUNS: Readonly<Record<FuzzTargetName, number>> = { mqtt: 50_000, jt808: 35_000, topic: 15_000 };
export const TEST_SEED = 0x120_808;

export interface FuzzResult {
  target: FuzzTargetName;
  seed: number;
  runs: number;
  ms: number;
  /** Outcome label → inputs (an array payload counts once per element outcome). */
  counts: Map<string, number>;
  /** Longest decode + check of one input, ms (CPU per message must stay bounded too). */
  slowestMs: number;
  /** What that input was (topic, size, first bytes); a GC pause can make any input the slowest. */
  slowestInput: string;
  /** Highest heapUsed sampled during the run, bytes. */
  peakHeapUsed: number;
  /** fast-check's report (counterexample, seed, path), null if every input held. */
  failure: string | null;
}

/** One property per target; the pipeline is created per run and carries unit state across inputs like a stream. */
function property(target: FuzzTargetName, timed: (check: () => string[], what: () => string) => void): fc.IProperty<[unknown]> {
  switch (target) {
    case 'mqtt': {
      const p = new TelemetryPipeline(FUZZ_CONFIG, () => FUZZ_T0);
      return fc.property(mqttArbitrary(FUZZ_CONFIG.maxPayloadBytes), (m) => timed(() => checkProcess(p, FUZZ_CONFIG, m), () => `${m.topic} ${m.payload.length} B: ${preview(m.payload)}`)) as fc.IProperty<[unknown]>;
    }
    case 'jt808': {
      const p = new TelemetryPipeline(FUZZ_CONFIG, () => FUZZ_T0);
      return fc.property(jt808Arbitrary(), (f) => timed(() => checkJt808(p, f, FUZZ_T0), () => `${f.length} B: ${Buffer.from(f.subarray(0, 40)).toString('hex')}`)) as fc.IProperty<[unknown]>;
    }
    case 'topic':
      return fc.property(topicArbitrary(), (t) => timed(() => checkTopic(t), () => JSON.stringify(t.slice(0, 80)))) as fc.IProperty<[unknown]>;
  }
}

export function runFuzz(target: FuzzTargetName, runs: number, seed: number): FuzzResult {
  const counts = new Map<string, number>();
  let peakHeapUsed = 0;
  let n = 0;
  let slowestMs = 0;
  let slowestInput = '';
  const timed = (check: () => string[], what: () => string): void => {
    const t = performance.now();
    const labels = check();
    const ms = performance.now() - t;
    if (ms > slowestMs) (slowestMs = ms), (slowestInput = what());
    for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    // sampled: memoryUsage() costs a few µs
    if ((++n & 1023) === 0) peakHeapUsed = Math.max(peakHeapUsed, process.memoryUsage().heapUsed);
  };
  const t0 = performance.now();
  const details = fc.check(property(target, timed), { numRuns: runs, seed, endOnFailure: false });
  const ms = performance.now() - t0;
  peakHeapUsed = Math.max(peakHeapUsed, process.memoryUsage().heapUsed);
  const failure = details.failed ? report(details) : null;
  return { target, seed, runs, ms, counts, peakHeapUsed, slowestMs, slowestInput, failure };
}

/** fast-check's facts without its full counterexample print (a 200 KB payload prints as 1 MB of text). */
function report(d: fc.RunDetails<[unknown]>): string {
  const err = d.errorInstance instanceof Error ? d.errorInstance.message : String(d.errorInstance);
  const ex = fc.stringify(d.counterexample);
  return [
    `failed after ${d.numRuns} inputs (${d.numShrinks} shrinks): ${err}`,
    `replay: seed ${d.seed}, path "${d.counterexamplePath}"`,
    `counterexample (${ex.length} chars): ${ex.length > 1500 ? `${ex.slice(0, 1500)}…` : ex}`,
  ].join('\n');
}

function preview(b: Uint8Array): string {
  return JSON.stringify(Buffer.from(b.subarray(0, 60)).toString('latin1'));
}
