export * from './data-source';
export * from './timescale';
export * from './ingest.repository';
export * from './fleet.repository';
export { MIGRATIONS } from './migrations';
export * from './task.repository';
export * from './audit.repository';
export * from './credentials.repository';
export * from './credential-changes';
