export * from './live-fleet';
