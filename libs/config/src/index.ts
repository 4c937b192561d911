export * from './config';
export { configTable, withConfigTable } from './readme-table';
