import { classifierFromPolygons, densityFallbackClassifier } from './area-classes';
import type { ExtractFeatures } from './extract/extract-features';

const square = (x0: number, y0: number, x1: number, y1: number) => [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]];

describe('area classes from polygons', () => {
  const areas = classifierFromPolygons({
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { areaClass: 'central' }, geometry: { type: 'Polygon', coordinates: square(0, 0, 1, 1) } },
      { type: 'Feature', properties: { class: 'suburb' }, geometry: { type: 'MultiPolygon', coordinates: [square(-2, -2, 3, 3)] } },
    ],
  });
  it.each([
    [0.5, 0.5, 'central'], // inside both: the first listed wins
    [2, 2, 'suburb'],
    [5, 5, 'rural'],
  ])('(%d, %d) is %s', (lat, lon, cls) => expect(areas.classOf(lat, lon)).toBe(cls));

  it.each([
    [{ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: square(0, 0, 1, 1) } }] }, /areaClass is required/],
    [{ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { areaClass: 'u' }, geometry: { type: 'Point', coordinates: [0, 0] } }] }, /Polygon or MultiPolygon/],
    [{ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { areaClass: 'u' }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] } }] }, /closed/],
    [{ type: 'FeatureCollection', features: [] }, /no polygons/],
    ['{', /not JSON/],
  ])('refuses bad polygons %#', (raw, msg) => expect(() => classifierFromPolygons(raw)).toThrow(msg));
});

describe('density fallback', () => {
  // 500 m cells; a 1.5 km × 1.5 km block around (0.0045°, 0.0045°) gets 20 km of streets: 8.9 km/km².
  const f: ExtractFeatures = { pois: [], buildings: [], places: [], residentialRoads: [] };
  for (let i = 0; i < 200; i++) f.residentialRoads.push({ lat: 0.0045 + ((i % 10) - 5) * 0.0004, lon: 0.0045 + (Math.floor(i / 10) / 20 - 0.5) * 0.004, lengthM: 100 });
  const areas = densityFallbackClassifier(f, [0, 0, 0.05, 0.05]);
  it('dense block is urban, far cells rural; urban cells are drawn', () => {
    expect(areas.classOf(0.0045, 0.0045)).toBe('urban');
    expect(areas.classOf(0.04, 0.04)).toBe('rural');
    expect(areas.map.features.length).toBeGreaterThan(0);
    expect(areas.source).toBe('fallback-density');
  });
  it('threshold above the density makes everything rural', () => {
    const strict = densityFallbackClassifier(f, [0, 0, 0.05, 0.05], { urbanMinKmPerKm2: 1000 });
    expect(strict.classOf(0.0045, 0.0045)).toBe('rural');
  });
});
