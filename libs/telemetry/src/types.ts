import type { CRS, UnitStatus } from '@rescue/contracts';
import type { AlarmReport } from './jt808/alarms';

/** A position of a unit, as stored: WGS-84 once it has left the pipeline. */
export interface Fix {
  unitId: string;
  /** Time of the fix, epoch ms UTC. */
  ts: number;
  /** Degrees, WGS-84 after the pipeline. */
  lat: number;
  lon: number;
  speedKmh: number | null;
  /** Degrees clockwise from true north. */
  headingDeg: number | null;
  /** Horizontal accuracy radius, metres. */
  accuracyM: number | null;
  /** Metres above sea level. */
  altitudeM: number | null;
  /**
   * Metres this fix adds to the unit's distance travelled, from its newest earlier accepted fix (set by
   * the measureTrackDistance step; 0 until then, for a unit's first fix and for a late one).
   */
  stepM: number;
}

/**
 * Why a message or one fix was refused. A closed list: metrics label every reason, dead letters keep it.
 * Message level: bad_topic, too_large, bad_json (incl. invalid UTF-8), schema (missing field, wrong type,
 * unknown enum value), out_of_range (a number outside its physical range), unsupported_type (an OwnTracks
 * message type we do not ingest, e.g. transition, waypoint). Fix level: null_island, no_gnss_fix (JT/T 808
 * report flagged "not positioned"), future, too_old, poor_accuracy, duplicate, speed_jump.
 * internal: a bug caught in process(); it must never happen, but must never stop ingest either.
 */
export const REJECT_REASONS = [
  'bad_topic',
  'too_large',
  'bad_json',
  'schema',
  'out_of_range',
  'unsupported_type',
  'null_island',
  'no_gnss_fix',
  'future',
  'too_old',
  'poor_accuracy',
  'duplicate',
  'speed_jump',
  'bad_frame',
  'internal',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface Rejection {
  reason: RejectReason;
  /** Human-readable, for the dead-letter table (which field, which limit). */
  detail: string;
  /** Null when the topic itself was not understood. */
  unitId: string | null;
  /** The raw payload or, for one bad element of an array, that element's JSON. */
  raw: string;
}

export interface StatusReport {
  unitId: string;
  /** Epoch ms UTC of the transition. */
  ts: number;
  status: UnitStatus;
  taskId: string | null;
  source: 'terminal' | 'dispatcher';
}

export interface PresenceReport {
  unitId: string;
  online: boolean;
}

export interface PipelineOutput {
  /** Accepted fixes, WGS-84, sorted by time for one message. */
  fixes: Fix[];
  status: StatusReport | null;
  presence: PresenceReport | null;
  rejections: Rejection[];
  /** JT/T 808 only: reports kept although their extra items were malformed (counted by ingest). */
  badExtraItems?: number;
  /**
   * JT/T 808 only: each location report's alarm flags, within the message's time limits (also reports
   * whose fix was refused, e.g. not positioned: an SOS must not depend on the GNSS receiver).
   */
  alarmReports?: Array<AlarmReport & { unitId: string }>;
  /** JT/T 808 only: the gateway's reference of the relayed message, handed back once it is durable. */
  receipt?: string;
}

export interface TelemetryConfig {
  /** Bytes above which a payload is refused unread (too_large). */
  maxPayloadBytes: number;
  /** Seconds a fix or status may lie ahead of the reception time (terminal clock skew). */
  maxFutureS: number;
  /** Seconds a fix may lie behind the reception time (buffered re-uploads are accepted up to this). */
  maxAgeS: number;
  /** km/h implied between a fix and its accepted neighbours in time above which it is a jump. */
  maxSpeedKmh: number;
  /** Metres of reported accuracy above which a fix is refused; fixes without accuracy pass. */
  maxAccuracyM: number;
  /** Accepted fixes remembered per unit, for duplicates and the speed check (default 32). */
  duplicateWindow?: number;
  /** Units whose state is kept; the least recently seen is forgotten beyond it (default 50,000). */
  maxTrackedUnits?: number;
  /**
   * Consecutive speed jumps, consistent with each other, after which the unit is re-anchored on them
   * (default 3): the remembered fix may itself have been the outlier (e.g. a cold-start fix).
   */
  speedJumpReanchorAfter?: number;
}

/** A fix on its way through the pipeline: still in its source CRS until the crs step. */
export interface FixCandidate {
  fix: Fix;
  crs: CRS;
  /** False for a JT/T 808 report flagged "not positioned"; absent = positioned. */
  gnssValid?: boolean;
  /**
   * What to keep in a dead letter: a string, or the decoded array element (stringified only when
   * refused, so accepted fixes cost no serialisation).
   */
  raw: string | unknown;
}
