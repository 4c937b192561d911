/**
 * Events out: what other platforms (a city/province dispatch platform, a hospital, the 110/119
 * linkage) receive by webhook. The envelope is versioned: a change that removes or renames a field
 * gets a new `version` (and a new schema in docs/webhooks.asyncapi.yaml); adding a field does not.
 */
export const EVENT_TYPES = [
  'task.created',
  'task.assigned',
  'task.status_changed',
  'task.aborted',
  'task.hospital_assigned',
  'unit.status_changed',
  'unit.position',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Version of the envelope and of every event's `data` as documented. */
export const EVENT_VERSION = 1;

export const isEventType = (v: unknown): v is EventType => typeof v === 'string' && (EVENT_TYPES as readonly string[]).includes(v);

/** What a producer hands the outbox: the id, version and sequence are given there. */
export interface EventDraft {
  type: EventType;
  /** What the event is about: `task:<id>` or `unit:<id>`. */
  subject: string;
  /** When it happened (ms since epoch): the report's own time, not the insert's. */
  occurredAt: number;
  data: Record<string, unknown>;
}

/** The body POSTed to a subscriber (JSON, snake_case keys in the envelope, camelCase inside `data`). */
export interface EventEnvelope {
  /** UUID, stable across retries and replays: receivers dedupe on it. */
  id: string;
  type: EventType;
  version: number;
  /** Position in the outbox: strictly increasing in the order events were committed. */
  sequence: number;
  occurred_at: string;
  subject: string;
  data: Record<string, unknown>;
}

export interface StoredEvent {
  seq: number;
  id: string;
  type: EventType;
  version: number;
  subject: string;
  occurredAt: number;
  /** When the outbox row was written (ms): the age bound of delivery runs from here. */
  createdAt: number;
  data: Record<string, unknown>;
}

export function envelopeOf(e: StoredEvent): EventEnvelope {
  return { id: e.id, type: e.type, version: e.version, sequence: e.seq, occurred_at: new Date(e.occurredAt).toISOString(), subject: e.subject, data: e.data };
}

/** A subscriber's filter: event types, or `*` for all. */
export function wants(filter: readonly string[], type: string): boolean {
  return filter.includes('*') || filter.includes(type);
}
