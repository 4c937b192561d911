import { join } from 'node:path';
import { loadGraph } from '@rescue/routing';
import { handGraph, nodeId } from '../../../../libs/routing/src/testing/hand-map';
import { largestComponent } from './road-components';

const vertexOf = (g: ReturnType<typeof handGraph>, letter: string): number => {
  for (let v = 0; v < g.vertexCount; v++) if (g.vOsmId[v] === nodeId(letter)) return v;
  throw new Error(`no vertex ${letter}`);
};

describe('largestComponent', () => {
  it('keeps the two-way network, drops an island and a one-way trap', () => {
    const g = handGraph(
      { a: [0, 0], b: [0, 0.001], c: [0, 0.002], d: [0, 0.003], e: [0.001, 0], f: [0.001, 0.001], t: [-0.001, 0.001] },
      [
        { id: 1, nodes: 'abc', tags: { highway: 'residential' } },
        { id: 2, nodes: 'cd', tags: { highway: 'residential' } },
        { id: 3, nodes: 'ef', tags: { highway: 'residential' } }, // island
        { id: 4, nodes: 'bt', tags: { highway: 'residential', oneway: 'yes' } }, // in, never out
      ],
    );
    const main = largestComponent(g);
    for (const x of 'acd') expect([x, main[vertexOf(g, x)]]).toEqual([x, 1]);
    for (const x of 'eft') expect([x, main[vertexOf(g, x)]]).toEqual([x, 0]);
  });

  it('on the Andorra extract holds nearly every vertex', () => {
    const g = loadGraph(join(__dirname, '../../../../data/osm/andorra.osm.pbf'), { cacheDir: null }).graph;
    const main = largestComponent(g);
    const n = main.reduce((s, x) => s + x, 0);
    expect(n / g.vertexCount).toBeGreaterThan(0.9);
    expect(n).toBeLessThan(g.vertexCount); // and the islands exist (Sant Julià's centre among them)
  });
});
