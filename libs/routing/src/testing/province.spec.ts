import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGraph } from '../load-graph';
import { readOsmFile } from '../osm/read-osm';
import { provinceNetwork } from './province';

// The generator on small sources: a real .osm.pbf (read back by tiny-osmpbf, an independent reader),
// each copy's graph the same as its source's, and all copies' main networks joined into one.
describe('province network generator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'province-'));
  const sources = [
    { path: 'data/osm/andorra.osm.pbf', copies: 2 },
    { path: 'data/osm/monaco.osm.pbf', copies: 1 },
  ];
  const andorra = loadGraph('data/osm/andorra.osm.pbf', { cacheDir: null, contract: false }).graph;
  const monaco = loadGraph('data/osm/monaco.osm.pbf', { cacheDir: null, contract: false }).graph;
  const mainSize = (c: Int32Array): number => c.filter((x) => x === 0).length;
  const p = provinceNetwork(dir, { sources });

  it('writes a standard .osm.pbf that another reader parses', () => {
    expect(p.fromCache).toBe(false);
    const osm = readOsmFile(p.path);
    expect(osm.nodeCount).toBe(p.nodes);
    expect(osm.ways.length).toBe(p.ways);
    expect(osm.restrictions.length).toBe(2 * readOsmFile('data/osm/andorra.osm.pbf').restrictions.length + readOsmFile('data/osm/monaco.osm.pbf').restrictions.length);
    expect(osm.ways.filter((w) => w.tags['highway'] === 'trunk' && w.tags['name']?.startsWith('联络线')).length).toBe(p.links);
  });

  it('keeps every copy whole and joins their main networks into one', () => {
    const g = loadGraph(p.path, { cacheDir: null, contract: false }).graph;
    expect(p.links).toBeGreaterThanOrEqual(2);
    expect(g.vertexCount).toBe(2 * andorra.vertexCount + monaco.vertexCount);
    // Each joining road is one more two-way road piece between existing junctions.
    expect(g.edgeCount).toBe(2 * andorra.edgeCount + monaco.edgeCount + 2 * p.links);
    expect(mainSize(g.vComp)).toBe(2 * mainSize(andorra.vComp) + mainSize(monaco.vComp));
  });

  it('is served from the cache the second time', () => {
    const again = provinceNetwork(dir, { sources });
    expect(again.fromCache).toBe(true);
    expect(again.path).toBe(p.path);
    expect(again.nodes).toBe(p.nodes);
  });
});
