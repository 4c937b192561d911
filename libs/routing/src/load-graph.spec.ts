import { loadGraph } from './load-graph';
import { route } from './queries';
import { snap } from './snap';

// The shipped extracts load in both formats; bounds checked against where the places are.
describe('shipped extracts', () => {
  it.each([
    ['data/osm/shenzhen_longgang.osm', [22.6, 22.8], [114.1, 114.3]],
    ['data/osm/beijing_haidian_cau.osm', [39.9, 40.1], [116.3, 116.4]],
    ['data/osm/andorra.osm.pbf', [42.4, 42.7], [1.4, 1.8]],
  ] as const)('%s', (path, [lat0, lat1], [lon0, lon1]) => {
    const { graph: g } = loadGraph(path, { cacheDir: null, contract: false });
    const [minLon, minLat, maxLon, maxLat] = g.meta.bbox;
    expect(minLat).toBeGreaterThan(lat0);
    expect(maxLat).toBeLessThan(lat1);
    expect(minLon).toBeGreaterThan(lon0);
    expect(maxLon).toBeLessThan(lon1);
    expect(g.vertexCount).toBeGreaterThan(200);
    // Every edge's source/target is a vertex and every cost positive or zero: CSR sanity.
    for (let e = 0; e < g.edgeCount; e++) {
      expect(g.eSrc[e]! >= 0 && g.eSrc[e]! < g.vertexCount && g.eDst[e]! < g.vertexCount).toBe(true);
      expect(g.eTime[e]! >= 0 && g.eDist[e]! >= 0).toBe(true);
    }
    for (let v = 0; v < g.vertexCount; v++) for (let e = g.fwdStart[v]!; e < g.fwdStart[v + 1]!; e++) expect(g.eSrc[e]).toBe(v);
  });

  it('routes along a road in Longgang: road distance at least the straight line', () => {
    const { graph: g } = loadGraph('data/osm/shenzhen_longgang.osm', { cacheDir: null, contract: false });
    const a = snap(g, 22.69, 114.2, { maxDistanceM: 1000 });
    const b = snap(g, 22.68, 114.22, { maxDistanceM: 1000 });
    const r = route(g, a, b);
    const R = 6371008.8, rad = Math.PI / 180;
    const straight = R * Math.acos(Math.sin(a.snappedLat * rad) * Math.sin(b.snappedLat * rad) + Math.cos(a.snappedLat * rad) * Math.cos(b.snappedLat * rad) * Math.cos((b.snappedLon - a.snappedLon) * rad));
    expect(r.distanceM).toBeGreaterThanOrEqual(straight * 0.999);
    const c = r.geometry.coordinates;
    expect(c[0]![0]).toBeCloseTo(a.snappedLon, 9);
    expect(c[c.length - 1]![1]).toBeCloseTo(b.snappedLat, 9);
  });
});
