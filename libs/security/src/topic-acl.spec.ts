import { mayPublish, maySubscribe, MqttIdentity, unshared } from './topic-acl';

const unit = (unitId: string): MqttIdentity => ({ kind: 'unit', unitId });
const ingest: MqttIdentity = { kind: 'service', name: 'rescue.ingest', roles: ['ingest'] };
const gateway: MqttIdentity = { kind: 'service', name: 'demo.gateway', roles: ['gateway'] };

describe('mayPublish', () => {
  it.each([
    ['ems/v1/units/AMB-01/position'],
    ['ems/v1/units/AMB-01/status'],
    ['ems/v1/units/AMB-01/presence'],
    ['owntracks/AMB/01'], // the OwnTracks topic that maps to AMB-01 itself
  ])('a unit publishes its own %s', (topic) => {
    expect(mayPublish(unit('AMB-01'), topic)).toBeNull();
  });

  it.each([
    ['ems/v1/units/AMB-02/position', 'not_own_topic'],
    ['ems/v1/units/AMB-010/position', 'not_own_topic'],
    ['ems/v1/units/AMB-0/position', 'not_own_topic'],
    ['owntracks/AMB/02', 'not_own_topic'],
    ['owntracks/AMB-01/x', 'not_a_unit_topic'],
    ['ems/v1/units/AMB-01/battery', 'not_a_unit_topic'],
    ['ems/v1/units/AMB-01/position/extra', 'not_a_unit_topic'],
    ['$SYS/broker/clients', 'not_a_unit_topic'],
    ['ems/v1/units/+/position', 'wildcard'],
    ['ems/v1/units/AMB-01/#', 'wildcard'],
    ['', 'not_a_unit_topic'],
  ])('a unit may not publish %s (%s)', (topic, reason) => {
    expect(mayPublish(unit('AMB-01'), topic)).toBe(reason);
  });

  it('the ingest service publishes nothing, a gateway any unit topic but nothing else', () => {
    expect(mayPublish(ingest, 'ems/v1/units/AMB-01/position')).toBe('publish_not_allowed');
    expect(mayPublish(gateway, 'ems/v1/units/AMB-01/position')).toBeNull();
    expect(mayPublish(gateway, 'owntracks/alice/phone')).toBeNull();
    expect(mayPublish(gateway, 'ems/v1/units/AMB.01!/position')).toBeNull(); // ingest dead-letters it
    expect(mayPublish(gateway, 'ems/v2/units/AMB-01/position')).toBe('not_a_unit_topic');
    expect(mayPublish(gateway, '$SYS/x')).toBe('not_a_unit_topic');
    expect(mayPublish(gateway, 'ems/v1/units/+/position')).toBe('wildcard');
  });
});

describe('maySubscribe', () => {
  it('units subscribe to their own command topic only, never to telemetry', () => {
    expect(maySubscribe(unit('AMB-01'), 'ems/v1/units/AMB-01/commands')).toBeNull();
    for (const f of ['ems/v1/units/AMB-01/position', 'ems/v1/units/AMB-01/#', '#', 'owntracks/AMB/01', 'ems/v1/units/AMB-02/commands', 'ems/v1/units/+/commands']) {
      expect(maySubscribe(unit('AMB-01'), f)).toBe('subscribe_not_allowed');
    }
  });

  it('a gateway subscribes to every unit\'s commands (it delivers them), and a unit may not publish JT/T 808 relays', () => {
    expect(maySubscribe(gateway, 'ems/v1/units/+/commands')).toBeNull();
    expect(maySubscribe(ingest, 'ems/v1/units/+/commands')).toBe('subscribe_not_allowed');
    expect(mayPublish(unit('AMB-01'), 'ems/v1/units/AMB-01/jt808')).toBe('publish_not_allowed');
    expect(mayPublish(gateway, 'ems/v1/units/AMB-01/jt808')).toBeNull();
  });

  it('an orders service publishes command topics and nothing else', () => {
    const orders = { kind: 'service' as const, name: 'rescue.app', roles: ['orders' as const] };
    expect(mayPublish(orders, 'ems/v1/units/AMB-01/commands')).toBeNull();
    for (const t of ['ems/v1/units/AMB-01/position', 'ems/v1/units/+/commands', 'ems/v1/units/a/b/commands']) expect(mayPublish(orders, t)).not.toBeNull();
    expect(mayPublish(unit('AMB-01'), 'ems/v1/units/AMB-01/commands')).toBe('not_a_unit_topic');
  });

  it('ingest subscribes to exactly the ingest filters, plainly or shared', () => {
    for (const f of ['ems/v1/units/+/position', 'ems/v1/units/+/status', 'ems/v1/units/+/presence', 'owntracks/+/+', 'ems/v1/units/+/jt808']) {
      expect(maySubscribe(ingest, f)).toBeNull();
      expect(maySubscribe(ingest, `$share/ingest/${f}`)).toBeNull();
    }
    for (const f of ['#', 'ems/#', 'ems/v1/units/#', '$SYS/#', '$share/ingest/#', '$share//ems/v1/units/+/position', '$share/a+b/ems/v1/units/+/position']) {
      expect(maySubscribe(ingest, f)).toBe('subscribe_not_allowed');
    }
    expect(maySubscribe(gateway, 'ems/v1/units/+/position')).toBe('subscribe_not_allowed');
  });

  it('unshared strips only a well-formed share prefix', () => {
    expect(unshared('$share/g1/owntracks/+/+')).toBe('owntracks/+/+');
    expect(unshared('$share/g1')).toBe('$share/g1');
    expect(unshared('owntracks/+/+')).toBe('owntracks/+/+');
  });
});
