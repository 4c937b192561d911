import type { GeoFeature } from './extract';
import fc from 'fast-check';
import { PlaceIndex, proximityBoost } from './place-index';

let seq = 0;
function place(name: string, lat: number, lon: number, extra: Partial<GeoFeature> = {}): GeoFeature {
  return { id: `n${++seq}`, name, names: [name], kind: 'poi', category: '', lat, lon, ...extra };
}

// A hand-made town: names chosen so each ranking rule decides one comparison.
const BASE = { lat: 32.6, lon: 117.0 };
const kmNorth = (km: number) => BASE.lat + km / 111.195;

describe('PlaceIndex ranking', () => {
  it('exact before prefix before contains before fuzzy, all else equal', () => {
    const idx = PlaceIndex.build([
      place('Canillo Centre', BASE.lat, BASE.lon),
      place('Canillos', BASE.lat, BASE.lon),
      place('Canillo', BASE.lat, BASE.lon),
      place('Old Canillo', BASE.lat, BASE.lon),
    ]);
    const hits = idx.search('canillo');
    expect(hits.map((h) => [h.feature.name, h.match])).toEqual([
      ['Canillo', 'exact'],
      ['Canillos', 'prefix'],
      ['Canillo Centre', 'prefix'],
      ['Old Canillo', 'contains'],
    ]);
    const typo = idx.search('canilo');
    expect(typo[0]!.match).toBe('fuzzy');
    expect(typo.map((h) => h.feature.name)).toContain('Canillo');
  });

  it('the same in Chinese: 人民医院 exact, then names starting with it, then names containing it', () => {
    const idx = PlaceIndex.build([
      place('第一人民医院', BASE.lat, BASE.lon, { kind: 'hospital' }),
      place('人民医院西区', BASE.lat, BASE.lon, { kind: 'hospital' }),
      place('人民医院', BASE.lat, BASE.lon, { kind: 'hospital' }),
      place('人民公园', BASE.lat, BASE.lon),
    ]);
    const hits = idx.search('人民医院');
    expect(hits.slice(0, 3).map((h) => [h.feature.name, h.match])).toEqual([
      ['人民医院', 'exact'],
      ['人民医院西区', 'prefix'],
      ['第一人民医院', 'contains'],
    ]);
  });

  it('a half-typed Chinese name finds it (prefix), a wrong character still finds it first (fuzzy)', () => {
    const idx = PlaceIndex.build([place('淮南市第一人民医院', BASE.lat, BASE.lon, { kind: 'hospital' }), place('淮南站', BASE.lat, BASE.lon), place('丽人医院', BASE.lat, BASE.lon)]);
    expect(idx.search('淮南市第一')[0]!.feature.name).toBe('淮南市第一人民医院');
    const typo = idx.search('淮南市第一人名医院');
    expect(typo[0]!.feature.name).toBe('淮南市第一人民医院');
    expect(typo[0]!.match).toBe('fuzzy');
    // Sharing one character of two is no match: 丽人医院 is no answer to 淮南.
    expect(idx.search('淮北').map((h) => h.feature.name)).toEqual([]);
  });

  it('a half-typed Latin word matches by prefix, and a typo in a long word by edit distance', () => {
    const idx = PlaceIndex.build([place('Andorra la Vella', BASE.lat, BASE.lon), place('Escaldes-Engordany', BASE.lat, BASE.lon)]);
    expect(idx.search('andorra la ve')[0]!.feature.name).toBe('Andorra la Vella');
    expect(idx.search('engordani')[0]!.feature.name).toBe('Escaldes-Engordany');
    expect(idx.search('xyzzy')).toEqual([]);
  });

  it('near: of two places with the same name, the nearer first, with its distance', () => {
    const idx = PlaceIndex.build([place('中心医院', kmNorth(40), BASE.lon, { kind: 'hospital' }), place('中心医院', kmNorth(2), BASE.lon, { kind: 'hospital' })]);
    const hits = idx.search('中心医院', { near: BASE });
    expect(hits.map((h) => Math.round(h.distanceM! / 1000))).toEqual([2, 40]);
    // Without near, no distance is claimed.
    expect(idx.search('中心医院')[0]!.distanceM).toBeUndefined();
  });

  it('near is a boost, not a filter: a close prefix match can pass a far exact one, a far exact one still shows', () => {
    const idx = PlaceIndex.build([place('Canillo', kmNorth(300), BASE.lon), place('Canillo Centre', kmNorth(0.1), BASE.lon)]);
    const hits = idx.search('canillo', { near: BASE });
    expect(hits.map((h) => h.feature.name)).toEqual(['Canillo Centre', 'Canillo']);
    expect(proximityBoost(0)).toBe(5);
    expect(proximityBoost(5000)).toBe(3);
    expect(proximityBoost(1e9)).toBeCloseTo(1, 4);
  });

  it('kinds weigh in and can filter: the town before a bank of the same name', () => {
    const idx = PlaceIndex.build([place('龙泉', BASE.lat, BASE.lon, { kind: 'poi', category: 'amenity=bank' }), place('龙泉', kmNorth(1), BASE.lon, { kind: 'town' })]);
    expect(idx.search('龙泉')[0]!.feature.kind).toBe('town');
    expect(idx.search('龙泉', { kinds: ['poi'] }).map((h) => h.feature.kind)).toEqual(['poi']);
  });

  it('one place drawn twice (node and area with a shared name, metres apart) is shown once', () => {
    const idx = PlaceIndex.build([
      place('淮南市', BASE.lat, BASE.lon, { kind: 'city' }),
      place('淮南市 / Huainan', BASE.lat + 0.0001, BASE.lon, { kind: 'admin', names: ['淮南市 / Huainan', '淮南市', 'Huainan'] }),
    ]);
    expect(idx.search('淮南市')).toHaveLength(1);
  });

  it('searches other names and the address', () => {
    const idx = PlaceIndex.build([
      place('蚌埠二院', BASE.lat, BASE.lon, { kind: 'hospital', names: ['蚌埠二院', '蚌埠市第二人民医院', 'Bengbu Second People\'s Hospital'] }),
      place('某诊所', BASE.lat, BASE.lon, { kind: 'clinic', address: '淮南市田家庵区朝阳中路12号' }),
    ]);
    expect(idx.search('第二人民医院')[0]!.feature.name).toBe('蚌埠二院');
    expect(idx.search('second hospital')[0]!.feature.name).toBe('蚌埠二院');
    expect(idx.search('朝阳中路12号')[0]!.feature.name).toBe('某诊所');
  });

  it('limit caps the results; an empty query finds nothing', () => {
    const idx = PlaceIndex.build(Array.from({ length: 30 }, (_, i) => place(`村${i}`, kmNorth(i), BASE.lon, { kind: 'village' })));
    expect(idx.search('村', { limit: 7 })).toHaveLength(7);
    expect(idx.search('   ')).toEqual([]);
  });
});

describe('PlaceIndex on any query', () => {
  const idx = PlaceIndex.build([place('淮南市第一人民医院', BASE.lat, BASE.lon, { kind: 'hospital' }), place('Andorra la Vella', BASE.lat, BASE.lon), place('长江路', BASE.lat, BASE.lon, { kind: 'road', address: '长江路12号' })]);
  it('answers a list within the limit for any text (no throw on symbols, surrogates, regex characters)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('.*', '(', '\\', '医院??', '𠀀𠀁', '\u0000')), fc.integer({ min: 1, max: 5 }), (q, limit) => {
        const hits = idx.search(q, { limit, near: BASE });
        expect(hits.length).toBeLessThanOrEqual(limit);
        for (const h of hits) expect(Number.isFinite(h.score)).toBe(true);
      }),
      { numRuns: 2000, seed: 14 },
    );
  });
});
