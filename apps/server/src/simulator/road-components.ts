import type { RoadGraph } from '@rescue/routing';

/**
 * Marks the vertices of the largest strongly connected component of the road graph: the network on
 * which every point reaches every other. Extracts hold small islands (a pedestrianised centre with a few
 * drivable stubs, a private estate cut by access tags) from which no route leads anywhere; the
 * simulator keeps its units off them. Kosaraju with explicit stacks (no recursion on 100k vertices), O(V+E).
 */
export function largestComponent(g: RoadGraph): Uint8Array {
  const n = g.vertexCount;
  // 1. Forward DFS: vertices in order of finishing.
  const order = new Int32Array(n);
  let orderLen = 0;
  const seen = new Uint8Array(n);
  const stackV = new Int32Array(n);
  const stackI = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    if (seen[s]) continue;
    let top = 0;
    stackV[0] = s;
    stackI[0] = g.fwdStart[s]!;
    seen[s] = 1;
    while (top >= 0) {
      const v = stackV[top]!;
      const i = stackI[top]!;
      if (i < g.fwdStart[v + 1]!) {
        stackI[top] = i + 1;
        const w = g.eDst[i]!;
        if (!seen[w]) {
          seen[w] = 1;
          top++;
          stackV[top] = w;
          stackI[top] = g.fwdStart[w]!;
        }
      } else {
        order[orderLen++] = v;
        top--;
      }
    }
  }
  // 2. Backward search in reverse finishing order: each tree is one component.
  const comp = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  for (let k = n - 1; k >= 0; k--) {
    const s = order[k]!;
    if (comp[s] !== -1) continue;
    const c = sizes.length;
    let size = 0;
    let top = 0;
    stackV[0] = s;
    comp[s] = c;
    while (top >= 0) {
      const v = stackV[top--]!;
      size++;
      for (let j = g.revStart[v]!; j < g.revStart[v + 1]!; j++) {
        const u = g.eSrc[g.revEdge[j]!]!;
        if (comp[u] === -1) {
          comp[u] = c;
          stackV[++top] = u;
        }
      }
    }
    sizes.push(size);
  }
  let best = 0;
  for (let c = 1; c < sizes.length; c++) if (sizes[c]! > sizes[best]!) best = c;
  const out = new Uint8Array(n);
  for (let v = 0; v < n; v++) if (comp[v] === best) out[v] = 1;
  return out;
}
