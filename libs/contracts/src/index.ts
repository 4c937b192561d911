export * from './crs';
export * from './payloads';
export * from './topics';
export * from './unit-status';
