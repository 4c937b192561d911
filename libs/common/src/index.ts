export * from './seeded-random';
export * from './geo';
export * from './domain-error';
