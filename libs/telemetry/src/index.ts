export * from './types';
export { TELEMETRY_DEFAULTS } from './config';
export { TelemetryPipeline, FIX_STEPS, TRACK_STEPS } from './pipeline';
export * from './crs/chinese-datums';
export * from './jt808';
