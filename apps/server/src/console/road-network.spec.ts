import { handGraph } from '@rescue/routing/testing';
import { roadNetworkGeoJson, simplify } from './road-network';

describe('console road basemap', () => {
  // a primary (65 km/h) with a dead-straight middle point, a residential (25 km/h) with a corner, a one-way tertiary
  const g = handGraph(
    { a: [0, 0], b: [0, 0.001], c: [0, 0.002], d: [0.001, 0.002], e: [0.001, 0.003], f: [0.002, 0.003] },
    [
      { id: 1, nodes: 'abc', tags: { highway: 'primary' } },
      { id: 2, nodes: 'cde', tags: { highway: 'residential' } },
      { id: 3, nodes: 'ef', tags: { highway: 'tertiary', oneway: 'yes' } },
    ],
  );
  const fc = roadNetworkGeoJson(g, '© OpenStreetMap contributors, ODbL 1.0');
  const byClass = Object.fromEntries(fc.features.map((f) => [f.properties.roadClass, f.geometry.coordinates]));

  it('draws every road piece once, whatever its directions, in its speed class', () => {
    const lines = fc.features.flatMap((f) => f.geometry.coordinates);
    expect(lines).toHaveLength(g.chainCount);
    expect(byClass.major).toHaveLength(1);
    expect(byClass.minor!.length + byClass.secondary!.length).toBe(g.chainCount - 1);
    expect(fc.features.every((f) => f.properties.chains === f.geometry.coordinates.length)).toBe(true);
  });

  it('keeps the ends and the corners, drops straight-through shape points, rounds to 1e-5°', () => {
    // the primary a-b-c: b is on the straight line, so only a and c remain ([lon, lat])
    expect(byClass.major![0]).toEqual([[0, 0], [0.002, 0]]);
    const all = fc.features.flatMap((f) => f.geometry.coordinates.flat());
    expect(all.every(([lon, lat]) => Math.abs(lon! * 1e5 - Math.round(lon! * 1e5)) < 1e-6 && Math.abs(lat! * 1e5 - Math.round(lat! * 1e5)) < 1e-6)).toBe(true);
  });

  it('carries the attribution and the bbox of the graph', () => {
    expect(fc.attribution).toContain('OpenStreetMap');
    expect(fc.bbox).toEqual(g.meta.bbox);
  });

  it('simplify: collinear points go, a corner beyond the tolerance stays', () => {
    expect(simplify([0, 5, 10], [0, 0, 0], 1)).toEqual([true, false, true]);
    expect(simplify([0, 5, 10], [0, 4, 0], 1)).toEqual([true, true, true]);
    expect(simplify([0, 5, 10], [0, 0.5, 0], 1)).toEqual([true, false, true]);
    expect(simplify([], [], 1)).toEqual([]);
  });
});
