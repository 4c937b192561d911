export * from './types';
export { TELEMETRY_DEFAULTS } from './config';
export { TelemetryPipeline, FIX_STEPS, TRACK_STEPS } from './pipeline';
// The ingest's track distance still imports it under this name; the one implementation is @rescue/common's.
export { haversineM as distanceM } from '@rescue/common';
export * from './crs/chinese-datums';
export * from './jt808';
