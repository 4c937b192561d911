import { commandTopic, filterMatches, owntracksTopic, parseCommandTopic, parseTopic, positionTopic, presenceTopic, statusTopic, TOPIC_FILTERS } from './topics';

describe('parseTopic', () => {
  it.each<[string, ReturnType<typeof parseTopic>]>([
    ['ems/v1/units/amb-01/position', { kind: 'position', unitId: 'amb-01' }],
    ['ems/v1/units/SZ_120_0007/status', { kind: 'status', unitId: 'SZ_120_0007' }],
    ['ems/v1/units/7/presence', { kind: 'presence', unitId: '7' }],
    [`ems/v1/units/${'a'.repeat(64)}/position`, { kind: 'position', unitId: 'a'.repeat(64) }],
    ['owntracks/alice/pixel-7', { kind: 'owntracks', user: 'alice', device: 'pixel-7', unitId: 'alice-pixel-7' }],
    ['owntracks/zhang_san/iPhone', { kind: 'owntracks', user: 'zhang_san', device: 'iPhone', unitId: 'zhang_san-iPhone' }],
  ])('%s', (topic, expected) => {
    expect(parseTopic(topic)).toEqual(expected);
  });

  it.each([
    ['empty unit', 'ems/v1/units//position'],
    ['65-char unit', `ems/v1/units/${'a'.repeat(65)}/position`],
    ['space', 'ems/v1/units/amb 01/position'],
    ['Chinese plate as unit', 'ems/v1/units/粤B12345/position'],
    ['dot', 'ems/v1/units/amb.01/position'],
    ['unknown kind', 'ems/v1/units/amb-01/battery'],
    ['other version', 'ems/v2/units/amb-01/position'],
    ['extra level', 'ems/v1/units/amb-01/position/x'],
    ['leading slash', '/ems/v1/units/amb-01/position'],
    ['wildcard', 'ems/v1/units/+/position'],
    ['owntracks sub-topic', 'owntracks/alice/phone/event'],
    ['owntracks user with a dash (ambiguous unitId)', 'owntracks/al-ice/phone'],
    ['owntracks non-ASCII user', 'owntracks/张三/phone'],
    ['owntracks too short', 'owntracks/alice'],
    ['empty', ''],
  ])('refuses %s', (_c, topic) => {
    expect(parseTopic(topic)).toBeNull();
  });

  it('builders and parser agree', () => {
    expect(parseTopic(positionTopic('u1'))).toEqual({ kind: 'position', unitId: 'u1' });
    expect(parseTopic(statusTopic('u1'))).toEqual({ kind: 'status', unitId: 'u1' });
    expect(parseTopic(presenceTopic('u1'))).toEqual({ kind: 'presence', unitId: 'u1' });
    expect(parseTopic(owntracksTopic('bob', 'x1'))).toMatchObject({ unitId: 'bob-x1' });
  });

  it('subscription filters cover the five channels', () => {
    expect(TOPIC_FILTERS).toEqual({
      position: 'ems/v1/units/+/position',
      status: 'ems/v1/units/+/status',
      presence: 'ems/v1/units/+/presence',
      owntracks: 'owntracks/+/+',
      jt808: 'ems/v1/units/+/jt808',
    });
  });

  it('command topics: one per unit, parsed back to the unit', () => {
    expect(commandTopic('amb-01')).toBe('ems/v1/units/amb-01/commands');
    expect(parseCommandTopic('ems/v1/units/amb-01/commands')).toBe('amb-01');
    for (const t of ['ems/v1/units/a/b/commands', 'ems/v1/units//commands', 'ems/v1/units/amb-01/position', 'x/ems/v1/units/a/commands']) expect(parseCommandTopic(t)).toBeNull();
    expect(parseTopic('ems/v1/units/amb-01/commands')).toBeNull(); // not an ingest topic
    expect(parseTopic('ems/v1/units/amb-01/jt808')).toEqual({ kind: 'jt808', unitId: 'amb-01' });
  });
});

describe('filterMatches', () => {
  it.each([
    ['ems/v1/units/+/position', 'ems/v1/units/A1/position', true],
    ['ems/v1/units/+/position', 'ems/v1/units/A1/status', false],
    ['ems/v1/units/+/position', 'ems/v1/units/A1/position/x', false],
    ['ems/v1/units/#', 'ems/v1/units/A1/position', true],
    ['owntracks/+/+', 'owntracks/user', false],
    ['ems/v1/units/A1/commands', 'ems/v1/units/A1/commands', true],
  ])('%s ~ %s: %s', (filter, topic, expected) => {
    expect(filterMatches(filter, topic)).toBe(expected);
  });
});
