import { COMMAND_FILTER, commandTopic, parseCommandTopic, parseTopic, TOPIC_FILTERS, TOPIC_TREES } from '@rescue/contracts';

/**
 * Who is on the other end of an MQTT connection, once its credentials are checked.
 * - A unit (ambulance terminal, or an OwnTracks phone acting as one) speaks only for itself.
 * - A service speaks for the system: `ingest` reads every unit's telemetry, `gateway` publishes on
 *   behalf of many units (the demo simulator on an external broker, a JT/T 808 gateway, test
 *   publishers). A service may hold both roles (the test user does).
 */
export type ServiceRole = 'ingest' | 'gateway' | 'orders';

export type MqttIdentity = { kind: 'unit'; unitId: string } | { kind: 'service'; name: string; roles: readonly ServiceRole[] };

/** Why an operation was refused: the `reason` label of rc_mqtt_refused_total. */
export type AclRefusal = 'wildcard' | 'not_own_topic' | 'not_a_unit_topic' | 'publish_not_allowed' | 'subscribe_not_allowed';

/** The filters an ingest service may subscribe to, plainly or as `$share/<group>/<filter>`. */
export const INGEST_FILTERS: readonly string[] = Object.values(TOPIC_FILTERS);

const SHARE_GROUP = /^[A-Za-z0-9_-]{1,64}$/;

function hasWildcard(topic: string): boolean {
  return topic.includes('+') || topic.includes('#');
}

/**
 * May `id` publish to `topic`? null = yes, otherwise the reason it may not.
 * A unit may publish only the contract topics (position, status, presence, or the OwnTracks topic)
 * that name its own id; parseTopic is the ingest's own parser, so the ACL and ingest agree on which
 * unit a topic belongs to. Topics outside the contract are refused for everyone: nobody needs them.
 */
export function mayPublish(id: MqttIdentity, topic: string): AclRefusal | null {
  if (hasWildcard(topic)) return 'wildcard';
  if (id.kind === 'unit') {
    const parsed = parseTopic(topic);
    if (!parsed) return 'not_a_unit_topic';
    if (parsed.kind === 'jt808') return 'publish_not_allowed'; // only the gateway relays JT/T 808 traffic
    return parsed.unitId === id.unitId ? null : 'not_own_topic';
  }
  if (id.roles.includes('orders') && parseCommandTopic(topic) !== null) return null;
  if (!id.roles.includes('gateway')) return 'publish_not_allowed';
  // A gateway relays terminals' traffic as it comes: a malformed unit topic is ingest's to dead-letter
  // (bad_topic), not an access violation; anything outside the two trees is.
  return topic.startsWith(GATEWAY_TREES[0]) || topic.startsWith(GATEWAY_TREES[1]) ? null : 'not_a_unit_topic';
}

/** Where a gateway may publish (as Mosquitto ACL filters: `<tree>#`). */
export const GATEWAY_TREES = TOPIC_TREES;

/**
 * May `id` subscribe to `filter`? A unit only to its own command topic (its dispatch orders), never to
 * the fleet's telemetry. A gateway to every unit's commands (it delivers them to its terminals). An
 * ingest service to exactly the ingest filters, optionally as a shared subscription.
 */
export function maySubscribe(id: MqttIdentity, filter: string): AclRefusal | null {
  if (id.kind === 'unit') return filter === commandTopic(id.unitId) ? null : 'subscribe_not_allowed';
  if (id.roles.includes('gateway') && filter === COMMAND_FILTER) return null; // orders for the terminals it serves
  if (!id.roles.includes('ingest')) return 'subscribe_not_allowed';
  return INGEST_FILTERS.includes(unshared(filter)) ? null : 'subscribe_not_allowed';
}

/** `$share/<group>/<filter>` → `<filter>` (MQTT 5 shared subscriptions, also Mosquitto 2 and EMQX on 3.1.1). */
export function unshared(filter: string): string {
  if (!filter.startsWith('$share/')) return filter;
  const slash = filter.indexOf('/', 7);
  if (slash < 0 || !SHARE_GROUP.test(filter.slice(7, slash))) return filter; // not a valid share: compared as is, so refused
  return filter.slice(slash + 1);
}
