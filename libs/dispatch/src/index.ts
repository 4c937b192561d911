export * from './lifecycle';
export * from './ranking';
export * from './indicators';
export * from './eligibility';
export * from './order-text';
export * from './errors';
export * from './recommend';
export * from './board';
