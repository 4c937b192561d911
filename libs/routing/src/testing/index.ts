// @rescue/routing/testing: hand-drawn maps and simulated drives for specs, tests and benches (never imported by production code).
export * from './hand-map';
export * from './track-sim';
export * from './province';
