import { CoverageError } from './errors';
import { limitOf, meets, parseRule, resolveRule, RULE_PRESETS, ruleBounds } from './rules';

describe('rule presets', () => {
  it.each([
    ['rescue-circle-15', 'anything', { maxTimeS: 900 }],
    ['1030', 'urban', { maxTimeS: 600 }],
    ['1030', 'rural', { maxTimeS: 1800 }],
    ['national-2020', 'urban', { maxRoadM: 5000 }],
    ['national-2020', 'rural', { maxRoadM: 20000 }],
    ['national-2020-straight', 'rural', { maxStraightM: 20000 }],
    ['beijing-2011', 'central', { maxTimeS: 900 }],
    ['beijing-2011', 'suburb', { maxTimeS: 1200 }],
    ['beijing-2011', 'remote', { maxTimeS: 1800 }],
    ['beijing-2011', 'urban', { maxTimeS: 900 }], // alias of central
    ['beijing-2011', 'rural', { maxTimeS: 1800 }], // alias of remote
  ])('%s, %s → %j', (id, cls, limit) => expect(limitOf(resolveRule(id), cls)).toEqual(limit));

  it('every preset names its source', () => {
    for (const r of Object.values(RULE_PRESETS)) expect(r.source.length).toBeGreaterThan(20);
  });

  it('1030 has no limit for a class it does not know', () => {
    expect(() => limitOf(RULE_PRESETS['1030']!, 'suburb')).toThrow(CoverageError);
  });

  it('bounds are the largest limit of each kind', () => {
    expect(ruleBounds(RULE_PRESETS['1030']!)).toEqual({ maxTimeS: 1800, maxRoadM: null, maxStraightM: null });
  });

  it('meets needs every given limit', () => {
    expect(meets({ maxTimeS: 600, maxRoadM: 5000 }, 599, 5001, 0)).toBe(false);
    expect(meets({ maxTimeS: 600, maxRoadM: 5000 }, 600, 5000, 1e9)).toBe(true);
    expect(meets({ maxTimeS: 600 }, Infinity, 0, 0)).toBe(false);
  });
});

describe('custom rules', () => {
  it('parses JSON text with aliases', () => {
    const r = resolveRule('{"id":"county","limits":{"town":{"maxTimeS":720},"*":{"maxTimeS":2400}},"aliases":{"urban":"town"}}');
    expect(limitOf(r, 'urban')).toEqual({ maxTimeS: 720 });
    expect(limitOf(r, 'mountain')).toEqual({ maxTimeS: 2400 });
  });

  it.each([
    ['nope', /unknown rule "nope"/],
    ['{"limits":', /does not parse/],
    ['{"limits":{}}', /at least one area class/],
    ['{"limits":{"urban":{}}}', /at least one of/],
    ['{"limits":{"urban":{"maxTimeS":-1}}}', /positive number/],
    ['{"limits":{"urban":{"maxTimeS":"600"}}}', /positive number/],
    ['{"limits":{"urban":{"minutes":10}}}', /unknown limit/],
    ['{"limits":{"urban":{"maxTimeS":600}},"aliases":{"rural":"village"}}', /must name a class/],
  ])('refuses %s', (text, msg) => {
    expect(() => resolveRule(text)).toThrow(msg);
  });

  it('refuses non-objects', () => expect(() => parseRule([1])).toThrow(/expected an object/));
});
