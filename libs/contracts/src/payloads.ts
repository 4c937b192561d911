import type { CRS } from './crs';
import type { UnitStatus } from './unit-status';

/**
 * Payloads as terminals send them (the wire shapes of docs/asyncapi.yaml). Optional numbers may also be
 * sent as null, meaning "not measured". Times are epoch milliseconds UTC (integers).
 */

/** One fix on `ems/v1/units/{unitId}/position`; the payload is one fix or an array of fixes. */
export interface PositionPayload {
  /** Time of the fix, epoch ms UTC. */
  ts: number;
  /** Latitude, degrees, [-90, 90]. */
  lat: number;
  /** Longitude, degrees, [-180, 180]. */
  lon: number;
  /** Ground speed, km/h, ≥ 0. */
  speedKmh?: number | null;
  /** Course over ground, degrees clockwise from true north, [0, 360]. */
  headingDeg?: number | null;
  /** Horizontal accuracy radius, metres, ≥ 0. */
  accuracyM?: number | null;
  /** Altitude above sea level, metres. */
  altitudeM?: number | null;
  /** Coordinate system of lat/lon; WGS84 when absent. */
  crs?: CRS;
}

export type PositionMessage = PositionPayload | PositionPayload[];

export const STATUS_SOURCES = ['terminal', 'dispatcher'] as const;
export type StatusSource = (typeof STATUS_SOURCES)[number];

/** `ems/v1/units/{unitId}/status`: a lifecycle transition (domain.md §3). */
export interface StatusPayload {
  /** Time of the transition, epoch ms UTC. */
  ts: number;
  status: UnitStatus;
  /** Task the transition belongs to, when the unit is on one. */
  taskId?: string | null;
  /** Vehicle terminal key or dispatcher console. */
  source: StatusSource;
}

/** `ems/v1/units/{unitId}/presence`: plain-text retained payload, the terminal's Last Will is "offline". */
export const PRESENCE_VALUES = ['online', 'offline'] as const;
export type PresencePayload = (typeof PRESENCE_VALUES)[number];

/**
 * OwnTracks `_type: "location"` (https://owntracks.org/booklet/tech/json/), the fields we read.
 * Others (batt, tid, conn, …) are accepted and ignored.
 */
export interface OwnTracksLocation {
  _type: 'location';
  /** Epoch seconds of the fix. */
  tst: number;
  lat: number;
  lon: number;
  /** Accuracy, metres (negative: unknown). */
  acc?: number;
  /** Altitude, metres. */
  alt?: number;
  /** Velocity, km/h (negative: unknown). */
  vel?: number;
  /** Course over ground, degrees (negative: unknown). */
  cog?: number;
  /** Battery, percent. */
  batt?: number;
  /** Tracker id, two characters shown on maps. */
  tid?: string;
}

/** OwnTracks Last Will: the phone went offline. */
export interface OwnTracksLwt {
  _type: 'lwt';
  tst?: number;
}

/**
 * `ems/v1/units/{unitId}/jt808`: one JT/T 808 message of a terminal the gateway authenticated, relayed
 * as received (sub-packages already joined), so ingest decodes and filters it like any other input.
 */
export interface Jt808RelayPayload {
  /** Terminal phone number as in the frame header. */
  phone: string;
  /** '2013' (also 2011) or '2019' header. */
  version: '2013' | '2019';
  msgId: number;
  serial: number;
  /** The message body, unescaped, base64. */
  body: string;
  /** When the gateway received the (last package of the) message, epoch ms UTC. */
  receivedAt: number;
}

/**
 * `ems/v1/units/{unitId}/commands`: an order for the unit's terminal. The terminal acknowledges a
 * `dispatch_order` by publishing on its status topic `{ts, status: "order_received", taskId, source: "terminal"}`.
 */
export interface CommandPayload {
  type: 'dispatch_order';
  /** Unique per sending attempt's order (the same for every retry of one order). */
  commandId: string;
  taskId: string;
  priority: 1 | 2 | 3 | 4;
  emergency: boolean;
  /** Incident, WGS-84. */
  lat: number;
  lon: number;
  address: string | null;
  /** The order as the crew reads it (Chinese first): priority, place, task id. */
  text: string;
  /** Epoch ms UTC of the assignment. */
  issuedAt: number;
}
