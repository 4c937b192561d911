export * from './events';
export * from './signature';
export * from './backoff';
export * from './delivery';
export * from './url';
export * from './task-events';
