import { COMMAND_FILTER, commandTopic, filterMatches, jt808Topic, owntracksTopic, positionTopic, presenceTopic, statusTopic, TOPIC_FILTERS } from '@rescue/contracts';
import { emqxAclFile, type EmqxService } from './emqx';
import { mayPublish, maySubscribe, type MqttIdentity } from './topic-acl';

/** MQTT topic matching as EMQX's ACL applies a rule's filter. */
const matches = filterMatches;

/** Reads the generated acl.conf back and evaluates it as EMQX does: first matching rule wins. */
function allowedByFile(file: string, username: string, action: 'publish' | 'subscribe', topic: string): boolean {
  for (const line of file.split('\n')) {
    if (line === '{deny, all}.') return false;
    const m = /^\{allow, \{username, "([^"]+)"\}, (publish|subscribe), \[(.*)\]\}\.$/.exec(line);
    if (!m || m[1] !== username || m[2] !== action) continue;
    const rules = JSON.parse(`[${m[3]}]`) as string[];
    if (rules.some((r) => matches(r, topic))) return true;
  }
  return false;
}

describe('EMQX acl.conf for service users', () => {
  const services: EmqxService[] = [
    { username: 'rescue.ingest', roles: ['ingest'] },
    { username: 'rescue.jt808', roles: ['gateway'] },
    { username: 'rescue.app', roles: ['ingest', 'orders'] },
    { username: 'rescue.orders', roles: ['orders'] },
  ];
  const file = emqxAclFile(services, 'ingest');
  const publishes = [positionTopic('AMB-01'), statusTopic('AMB-01'), presenceTopic('AMB-01'), jt808Topic('AMB-01'), commandTopic('AMB-01'), owntracksTopic('alice', 'phone'), 'other/topic', 'ems/v2/units/AMB-01/position'];
  const subscribes = [...Object.values(TOPIC_FILTERS), ...Object.values(TOPIC_FILTERS).map((f) => `$share/ingest/${f}`), COMMAND_FILTER, '#', 'ems/v1/units/#'];

  it('allows each role exactly what the embedded broker and the Mosquitto ACL allow it (orders role and command topic included)', () => {
    for (const s of services) {
      const id: MqttIdentity = { kind: 'service', name: s.username, roles: s.roles };
      for (const t of publishes) expect([s.username, 'publish', t, allowedByFile(file, s.username, 'publish', t)]).toEqual([s.username, 'publish', t, mayPublish(id, t) === null]);
      for (const f of subscribes) expect([s.username, 'subscribe', f, allowedByFile(file, s.username, 'subscribe', f)]).toEqual([s.username, 'subscribe', f, maySubscribe(id, f) === null]);
    }
  });

  it('the orders role publishes on command topics only; the gateway reads them; nobody else', () => {
    expect(allowedByFile(file, 'rescue.orders', 'publish', commandTopic('AMB-07'))).toBe(true);
    expect(allowedByFile(file, 'rescue.orders', 'publish', positionTopic('AMB-07'))).toBe(false);
    expect(allowedByFile(file, 'rescue.jt808', 'subscribe', COMMAND_FILTER)).toBe(true);
    // a narrower filter inside an allowed one passes a filter-matching broker (Mosquitto too); the embedded ACL wants the exact filter
    expect(allowedByFile(file, 'rescue.jt808', 'subscribe', commandTopic('AMB-07'))).toBe(true);
    expect(allowedByFile(file, 'rescue.ingest', 'subscribe', COMMAND_FILTER)).toBe(false);
    expect(allowedByFile(file, 'someone.else', 'publish', commandTopic('AMB-07'))).toBe(false);
    expect(file.trimEnd().endsWith('{deny, all}.')).toBe(true);
  });
});
