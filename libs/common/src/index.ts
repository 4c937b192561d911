export * from './seeded-random';
export * from './geo';
