/**
 * npm run fuzz: the decoder fuzzers of libs/telemetry/src/fuzz with more inputs and any seed.
 *
 *   FUZZ_RUNS=2000000 npm run fuzz            total inputs, split like the test run (mqtt 50 %, jt808 35 %, topic 15 %;
 *                                             default 1,000,000)
 *   FUZZ_SEED=1181704 npm run fuzz            replay a seed (default: random, printed)
 *   FUZZ_TARGETS=jt808,topic npm run fuzz     a subset
 *
 * Prints inputs/s, outcome counts (rejection reasons, JT/T 808 error codes), the slowest input, peak RSS
 * and heap, and on a failure fast-check's counterexample with the seed and path that replay it; exits 1.
 */
import { FUZZ_TARGETS, runFuzz, TEST_RUNS, type FuzzTargetName } from '@rescue/telemetry/testing';

const total = Number(process.env['FUZZ_RUNS'] ?? 1_000_000);
const seed = process.env['FUZZ_SEED'] !== undefined ? Number(process.env['FUZZ_SEED']) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
const targets = (process.env['FUZZ_TARGETS']?.split(',') ?? [...FUZZ_TARGETS]) as FuzzTargetName[];
if (!Number.isInteger(total) || total <= 0 || !Number.isInteger(seed) || targets.some((t) => !FUZZ_TARGETS.includes(t))) {
  console.error(`usage: FUZZ_RUNS=<n> FUZZ_SEED=<int> FUZZ_TARGETS=${FUZZ_TARGETS.join(',')} npm run fuzz`);
  process.exit(2);
}

// peak RSS: sampled on a timer would miss the synchronous run, so read the kernel's high-water mark
const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;
const share = targets.reduce((a, t) => a + TEST_RUNS[t], 0);
console.log(`fuzz: ${total.toLocaleString('en')} inputs, seed ${seed}, targets ${targets.join(', ')}`);

let failed = false;
let all = 0;
const t0 = performance.now();
for (const target of targets) {
  const runs = Math.max(1, Math.round((total * TEST_RUNS[target]) / share));
  const r = runFuzz(target, runs, seed);
  all += runs;
  console.log(
    `\n${target}: ${runs.toLocaleString('en')} inputs in ${(r.ms / 1000).toFixed(1)} s = ${Math.round((runs / r.ms) * 1000).toLocaleString('en')} inputs/s; ` +
      `slowest input ${r.slowestMs.toFixed(1)} ms; peak heap ${(r.peakHeapUsed / 2 ** 20).toFixed(0)} MB; peak RSS so far ${peakRssMb().toFixed(0)} MB`,
  );
  console.log(`  slowest: ${r.slowestInput}`);
  const counts = [...r.counts].sort((a, b) => b[1] - a[1]);
  for (const [label, n] of counts) console.log(`  ${label.padEnd(36)} ${n.toLocaleString('en').padStart(12)}`);
  if (r.failure !== null) {
    failed = true;
    console.log(`\n  FAILED ${target}:\n  ${r.failure.split('\n').join('\n  ')}\n  replay: FUZZ_SEED=${seed} FUZZ_TARGETS=${target} FUZZ_RUNS=${runs} npm run fuzz`);
  }
}
const s = (performance.now() - t0) / 1000;
console.log(`\n${all.toLocaleString('en')} inputs in ${s.toFixed(1)} s (${Math.round(all / s).toLocaleString('en')}/s), peak RSS ${peakRssMb().toFixed(0)} MB, seed ${seed}: ${failed ? 'FAILED' : 'ok'}`);
process.exit(failed ? 1 : 0);
