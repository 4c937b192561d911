import { AMBULANCE_PROFILE, directionsOf, parseMaxspeed, wayRule } from './profile';

describe('maxspeed', () => {
  it.each([
    ['50', 50],
    ['50 km/h', 50],
    ['30 mph', 30 * 1.609344],
    ['CN:urban', 50],
    ['CN:motorway', 120],
    ['FR:rural', 80],
    ['walk', 6],
    ['60;80', 60],
    ['none', null],
    ['signals', null],
    ['XX:urban', null],
    ['-5', null],
  ])('%s → %s', (raw, kmh) => {
    expect(parseMaxspeed(raw)).toBe(kmh);
  });
});

describe('oneway', () => {
  it.each([
    [{ highway: 'residential' }, true, true],
    [{ highway: 'residential', oneway: 'yes' }, true, false],
    [{ highway: 'residential', oneway: '-1' }, false, true],
    [{ highway: 'primary', junction: 'roundabout' }, true, false],
    [{ highway: 'primary', junction: 'roundabout', oneway: 'no' }, true, true],
    [{ highway: 'motorway' }, true, false],
    [{ highway: 'motorway', oneway: 'no' }, true, true],
    [{ highway: 'residential', oneway: 'yes', 'oneway:emergency': 'no' }, true, true],
  ])('%j', (tags, f, b) => {
    expect(directionsOf(tags)).toEqual({ forward: f, backward: b });
  });
});

describe('way rule', () => {
  it('uses 0.8 × tagged maxspeed, per direction when tagged so', () => {
    const r = wayRule({ highway: 'primary', maxspeed: '60', 'maxspeed:backward': '40' }, AMBULANCE_PROFILE)!;
    expect(r.speedFwdKmh).toBeCloseTo(48, 9);
    expect(r.speedBwdKmh).toBeCloseTo(32, 9);
  });
  it('caps private/destination ways', () => {
    expect(wayRule({ highway: 'primary', access: 'destination' }, AMBULANCE_PROFILE)!.speedFwdKmh).toBe(15);
  });
  it('drops non-road ways', () => {
    expect(wayRule({ highway: 'steps' }, AMBULANCE_PROFILE)).toBeNull();
    expect(wayRule({ highway: 'track' }, AMBULANCE_PROFILE)).toBeNull();
    expect(wayRule({ building: 'yes' }, AMBULANCE_PROFILE)).toBeNull();
  });
});
