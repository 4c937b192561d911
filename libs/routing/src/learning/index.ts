export { hourOfWeek, dayTypeHour, HOURS_PER_WEEK, CHINA_UTC_OFFSET_MIN } from './slots';
export { SpeedModel, type SpeedEvidence, type SpeedModelOptions, type TripKind, TRIP_KINDS } from './speed-model';
export { toEvidence, traversalProblem } from './evidence';
export { matchNewFixes, buildModelVersion, graphKey, type TrackStore, type ModelStore, type TraversalRecord, type IncrementalOptions, type IncrementalReport } from './incremental';
export { buildCchTopology, customizeCch, withTravelTimes, type CchTopology } from './cch';
export { nestedDissectionOrder } from './nd-order';
