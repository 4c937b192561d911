// @rescue/registry/testing: generated dispatch-system exports for specs, tests and benches.
export * from './task-export';
