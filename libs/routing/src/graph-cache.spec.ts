import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGraphCache, writeGraphCache } from './graph-cache';
import { loadGraph } from './load-graph';
import { route } from './queries';
import { snap } from './snap';
import { D, handOsmXml } from './testing/hand-map';

describe('graph cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rc-graph-'));
  const extract = join(dir, 'square.osm');
  writeFileSync(
    extract,
    handOsmXml({ a: [0, 0], b: [0, 0.001], c: [-0.001, 0.001] }, [{ id: 1, nodes: 'abc', tags: { highway: 'residential', oneway: 'yes' } }]),
  );

  it('builds once, then loads the same graph from the cache keyed by content', () => {
    const first = loadGraph(extract, { cacheDir: dir });
    expect(first.from).toBe('build');
    const second = loadGraph(extract, { cacheDir: dir });
    expect(second.from).toBe('cache');
    expect(second.graph.meta).toEqual(first.graph.meta);
    for (const k of ['eSrc', 'eDst', 'eTime', 'eDist', 'sLat', 'sCum', 'revEdge', 'vComp'] as const) {
      expect(Array.from(second.graph[k])).toEqual(Array.from(first.graph[k]));
    }
    const g = second.graph;
    // One-way a→b→c (b folded) has no cycle: vertices a and c are one-vertex components, so no
    // chain lies on a main network and snapping needs network 'any'.
    expect(g.meta.components).toBe(2);
    const any = { maxDistanceM: 50, network: 'any' } as const;
    const r = route(g, snap(g, 0, 0, any), snap(g, -0.001, 0.001, any));
    expect(r.distanceM).toBeCloseTo(2 * D, 6);
  });

  it('a changed extract gets a new cache entry', () => {
    writeFileSync(extract, handOsmXml({ a: [0, 0], b: [0, 0.001] }, [{ id: 1, nodes: 'ab', tags: { highway: 'residential' } }]));
    const r = loadGraph(extract, { cacheDir: dir });
    expect(r.from).toBe('build');
    expect(r.graph.vertexCount).toBe(2);
  });

  it('a truncated cache file is refused with BAD_CACHE', () => {
    const g = loadGraph(extract, { cacheDir: null }).graph;
    const p = join(dir, 'x.rcgraph');
    writeGraphCache(p, g);
    const { readFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    writeFileSync(p, readFileSync(p).subarray(0, 200));
    expect(() => readGraphCache(p)).toThrow(expect.objectContaining({ code: 'BAD_CACHE' }));
  });

  it('a non-OSM file is BAD_EXTRACT', () => {
    const bad = join(dir, 'bad.osm');
    writeFileSync(bad, '<html></html>');
    expect(() => loadGraph(bad, { cacheDir: null })).toThrow(expect.objectContaining({ code: 'BAD_EXTRACT' }));
  });
});
