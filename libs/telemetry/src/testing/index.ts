// @rescue/telemetry/testing: recorded samples and the decoder fuzzers, for specs, tests and benches
// (never imported by production code: the fuzzers load fast-check, a dev dependency).
export * from './samples';
export { shenzhenTaxiFixes } from './shenzhen-trace';
export { FUZZ_CONFIG, FUZZ_TARGETS, TEST_RUNS, TEST_SEED, runFuzz, type FuzzResult, type FuzzTargetName } from '../fuzz/runner';
export * from './datum-vectors';
export { jt808Arbitrary } from '../fuzz/jt808-arbitraries';
