import { strongComponents } from './components';
import { loadGraph } from './load-graph';
import { handGraph, nodeId } from './testing/hand-map';

const vertexOf = (g: ReturnType<typeof handGraph>, letter: string): number => {
  for (let v = 0; v < g.vertexCount; v++) if (g.vOsmId[v] === nodeId(letter)) return v;
  throw new Error(`no vertex ${letter}`);
};

describe('strongly connected components (main network)', () => {
  it('keeps the two-way network as component 0, drops an island and a one-way trap', () => {
    const g = handGraph(
      { a: [0, 0], b: [0, 0.001], c: [0, 0.002], d: [0, 0.003], e: [0.001, 0], f: [0.001, 0.001], t: [-0.001, 0.001] },
      [
        { id: 1, nodes: 'abc', tags: { highway: 'residential' } },
        { id: 2, nodes: 'cd', tags: { highway: 'residential' } },
        { id: 3, nodes: 'ef', tags: { highway: 'residential' } }, // island
        { id: 4, nodes: 'bt', tags: { highway: 'residential', oneway: 'yes' } }, // in, never out
      ],
    );
    for (const x of 'abcd') expect([x, g.vComp[vertexOf(g, x)]]).toEqual([x, 0]);
    // The island's two vertices share a component, numbered after the main one by size.
    expect(g.vComp[vertexOf(g, 'e')]).toBe(1);
    expect(g.vComp[vertexOf(g, 'f')]).toBe(1);
    expect(g.vComp[vertexOf(g, 't')]).toBe(2);
    expect([g.meta.components, g.meta.verticesOutsideMain]).toEqual([3, 3]);
  });

  it('a one-way ring is one component; cut it and every vertex is alone', () => {
    const nodes = { a: [0, 0], b: [0, 0.001], c: [-0.001, 0.001], d: [-0.001, 0] } as Record<string, [number, number]>;
    const ring = handGraph(nodes, [{ id: 1, nodes: 'abcda', tags: { highway: 'residential', oneway: 'yes' } }, { id: 2, nodes: 'ac', tags: { highway: 'service', oneway: 'yes' } }]);
    expect([ring.meta.components, ring.meta.verticesOutsideMain]).toEqual([1, 0]);
    const cut = handGraph(nodes, [{ id: 1, nodes: 'abcd', tags: { highway: 'residential', oneway: 'yes' } }, { id: 2, nodes: 'ac', tags: { highway: 'service', oneway: 'yes' } }]);
    expect(cut.meta.components).toBe(cut.vertexCount);
  });

  it('is iterative: a 300,000-vertex cycle does not overflow the stack', () => {
    const n = 300_000;
    // v → v+1 (mod n), as CSR: one out-edge and one in-edge per vertex.
    const fwdStart = Int32Array.from({ length: n + 1 }, (_, i) => i);
    const eSrc = Int32Array.from({ length: n }, (_, i) => i);
    const eDst = Int32Array.from({ length: n }, (_, i) => (i + 1) % n);
    const revStart = fwdStart;
    const revEdge = Int32Array.from({ length: n }, (_, v) => (v + n - 1) % n); // the edge into v
    const { comp, sizes } = strongComponents(n, fwdStart, eDst, revStart, revEdge, eSrc);
    expect(Array.from(sizes)).toEqual([n]);
    expect(comp.every((c) => c === 0)).toBe(true);
  });

  it.each([
    // Measured on the shipped extracts (2013 Andorra, Monaco): small one-way stubs and clipped pieces.
    ['andorra', 1738, 20],
    ['monaco', 2364, 176],
  ])('%s: %i vertices, %i outside the main network', (name, vertices, outside) => {
    const g = loadGraph(`data/osm/${name}.osm.pbf`, { cacheDir: null, contract: false }).graph;
    expect([g.vertexCount, g.meta.verticesOutsideMain]).toEqual([vertices, outside]);
    let main = 0;
    for (const c of g.vComp) if (c === 0) main++;
    expect(main).toBe(vertices - outside);
  });
});
