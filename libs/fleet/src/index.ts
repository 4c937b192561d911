export * from './live-fleet';
export * from './fleet-positions';
