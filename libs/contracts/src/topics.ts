/**
 * MQTT topics of the ingest contract (docs/asyncapi.yaml is the published form of this file).
 *
 * unitId rule: /^[A-Za-z0-9_-]{1,64}$/. It is the system id of a unit (not its plate, which is Chinese
 * text and changes with re-registration); it has to be a single topic level, safe in SQL, logs and
 * metric labels, so no '/', '+', '#', '$', spaces or non-ASCII.
 *
 * OwnTracks: topic `owntracks/{user}/{device}`; the unit is `${user}-${device}`. Rather than sanitising
 * (which could silently merge two phones into one unit, mixing their tracks), the names are validated:
 * user /^[A-Za-z0-9_]{1,31}$/ (no '-', so the first '-' of the unitId is the separator and the mapping
 * is one-to-one) and device /^[A-Za-z0-9_-]{1,32}$/. A topic outside these rules is refused (bad_topic).
 * The OwnTracks `tid` (two characters, chosen freely on the phone) is not used: it collides too easily.
 */

export const TOPIC_PREFIX = 'ems/v1/units';
export const UNIT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const OWNTRACKS_USER_PATTERN = /^[A-Za-z0-9_]{1,31}$/;
export const OWNTRACKS_DEVICE_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

const OWNTRACKS_PREFIX = 'owntracks/';

/** The two topic trees of the contract, as prefixes: where a gateway may publish (ACLs). */
export const TOPIC_TREES = [`${TOPIC_PREFIX}/`, OWNTRACKS_PREFIX] as const;

/** Subscription filters used by ingest workers (prefix them with `$share/<group>/` on a real broker). */
export const TOPIC_FILTERS = {
  position: `${TOPIC_PREFIX}/+/position`,
  status: `${TOPIC_PREFIX}/+/status`,
  presence: `${TOPIC_PREFIX}/+/presence`,
  owntracks: `${OWNTRACKS_PREFIX}+/+`,
  jt808: `${TOPIC_PREFIX}/+/jt808`,
} as const;

/**
 * Orders down to a unit: `ems/v1/units/{unitId}/commands` (QoS 1). The dispatch server publishes; the
 * unit's own MQTT terminal (and the JT/T 808 gateway, for its terminals) subscribes. Not an ingest topic.
 */
export const commandTopic = (unitId: string): string => `${TOPIC_PREFIX}/${unitId}/commands`;
export const COMMAND_FILTER = `${TOPIC_PREFIX}/+/commands`;

/** The unit a command topic is for, or null. */
export function parseCommandTopic(topic: string): string | null {
  if (!topic.startsWith(UNIT_PREFIX_C) || !topic.endsWith('/commands')) return null;
  const unitId = topic.slice(UNIT_PREFIX_C.length, topic.length - '/commands'.length);
  return UNIT_ID_PATTERN.test(unitId) ? unitId : null;
}
const UNIT_PREFIX_C = `${TOPIC_PREFIX}/`;

/** Whether an MQTT topic filter matches a topic ('+' one level, '#' the rest), as a broker applies it. */
export function filterMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

/** QoS of every ingest topic: at-least-once; duplicates are filtered downstream. */
export const INGEST_QOS = 1 as const;

/**
 * `jt808`: what the JT/T 808 gateway relays for a terminal it authenticated (payload: Jt808RelayPayload),
 * published only by a gateway service, never by a unit.
 */
export type UnitTopicKind = 'position' | 'status' | 'presence' | 'jt808';

export type ParsedTopic =
  | { kind: UnitTopicKind; unitId: string }
  | { kind: 'owntracks'; user: string; device: string; unitId: string };

export const positionTopic = (unitId: string): string => `${TOPIC_PREFIX}/${unitId}/position`;
export const statusTopic = (unitId: string): string => `${TOPIC_PREFIX}/${unitId}/status`;
export const presenceTopic = (unitId: string): string => `${TOPIC_PREFIX}/${unitId}/presence`;
export const jt808Topic = (unitId: string): string => `${TOPIC_PREFIX}/${unitId}/jt808`;
export const owntracksTopic = (user: string, device: string): string => `${OWNTRACKS_PREFIX}${user}/${device}`;

export function isUnitId(v: unknown): v is string {
  return typeof v === 'string' && UNIT_ID_PATTERN.test(v);
}

/** The unit an OwnTracks phone acts as (see the rule above). */
export function owntracksUnitId(user: string, device: string): string {
  return `${user}-${device}`;
}

const UNIT_PREFIX = `${TOPIC_PREFIX}/`;

/**
 * Parses an incoming topic, or returns null when it is not part of the contract.
 * indexOf/slice rather than split or one big regex: it runs once per message (~50k/s) and this
 * allocates only the id strings. A `$share/<group>/` prefix never reaches here: brokers deliver
 * the original topic.
 */
export function parseTopic(topic: string): ParsedTopic | null {
  if (topic.startsWith(UNIT_PREFIX)) {
    const slash = topic.indexOf('/', UNIT_PREFIX.length);
    if (slash < 0) return null;
    const kind = topic.slice(slash + 1);
    if (kind !== 'position' && kind !== 'status' && kind !== 'presence' && kind !== 'jt808') return null;
    const unitId = topic.slice(UNIT_PREFIX.length, slash);
    return UNIT_ID_PATTERN.test(unitId) ? { kind, unitId } : null;
  }
  if (topic.startsWith(OWNTRACKS_PREFIX)) {
    const slash = topic.indexOf('/', OWNTRACKS_PREFIX.length);
    if (slash < 0) return null;
    const user = topic.slice(OWNTRACKS_PREFIX.length, slash);
    const device = topic.slice(slash + 1); // a further '/' fails the device pattern
    if (!OWNTRACKS_USER_PATTERN.test(user) || !OWNTRACKS_DEVICE_PATTERN.test(device)) return null;
    return { kind: 'owntracks', user, device, unitId: owntracksUnitId(user, device) };
  }
  return null;
}
