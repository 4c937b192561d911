// @rescue/routing/testing: hand-drawn maps for specs, tests and benches (never imported by production code).
export * from './hand-map';
