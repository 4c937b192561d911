import type { RoadGraph } from '../graph';

/**
 * A nested-dissection order for the customizable hierarchy: cut the vertex set in two along the
 * straight line (one of four directions, at the median) whose boundary is smallest, give that boundary
 * (the separator) the highest ranks, and recurse into both sides. Road networks are nearly planar, so
 * small geometric separators exist; a witness-search CH order, built for one metric, leaves huge
 * fill-in instead (on the Anhui extract, more triangles than an array can hold).
 */
export function nestedDissectionOrder(g: RoadGraph, leafSize = 32): Int32Array {
  const n = g.vertexCount;
  // Undirected adjacency (CSR).
  const deg = new Int32Array(n + 1);
  for (let e = 0; e < g.edgeCount; e++) {
    if (g.eSrc[e] === g.eDst[e]) continue;
    deg[g.eSrc[e]! + 1]!++;
    deg[g.eDst[e]! + 1]!++;
  }
  for (let v = 0; v < n; v++) deg[v + 1]! += deg[v]!;
  const adj = new Int32Array(deg[n]!);
  const pos = deg.slice(0, n);
  for (let e = 0; e < g.edgeCount; e++) {
    const u = g.eSrc[e]!;
    const v = g.eDst[e]!;
    if (u === v) continue;
    adj[pos[u]!++] = v;
    adj[pos[v]!++] = u;
  }
  const cos = Math.cos((((g.meta.bbox[1] + g.meta.bbox[3]) / 2) * Math.PI) / 180);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    x[v] = g.vLon[v]! * cos;
    y[v] = g.vLat[v]!;
  }
  const rank = new Int32Array(n).fill(-1);
  const side = new Int32Array(n); // stamp: which part a vertex is in during one split
  let stamp = 0;
  let next = 0;
  const dirs: [number, number][] = [[1, 0], [0, 1], [1, 1], [1, -1]];
  // Explicit stack of work items: a set to dissect, or a separator to number once both sides are done.
  const work: { set: Int32Array; sep: boolean }[] = [{ set: Int32Array.from({ length: n }, (_, i) => i), sep: false }];
  while (work.length > 0) {
    const { set, sep } = work.pop()!;
    if (sep || set.length <= leafSize) {
      for (const v of set) rank[v] = next++;
      continue;
    }
    let best: { left: Int32Array; right: Int32Array; sep: Int32Array } | null = null;
    for (const [dx, dy] of dirs) {
      const key = new Float64Array(set.length);
      for (let i = 0; i < set.length; i++) key[i] = dx * x[set[i]!]! + dy * y[set[i]!]!;
      const idx = Int32Array.from(set.keys()).sort((a, b) => key[a]! - key[b]!);
      const half = set.length >> 1;
      stamp += 2;
      for (let i = 0; i < set.length; i++) side[set[idx[i]!]!] = i < half ? stamp : stamp + 1;
      // Boundary of each half: vertices with a neighbour on the other side.
      const bl: number[] = [];
      const br: number[] = [];
      for (const v of set) {
        const s = side[v]!;
        for (let k = deg[v]!; k < deg[v + 1]!; k++) {
          const t = side[adj[k]!]!;
          if ((t === stamp || t === stamp + 1) && t !== s) {
            (s === stamp ? bl : br).push(v);
            break;
          }
        }
      }
      const sepSide = bl.length <= br.length ? stamp : stamp + 1;
      const sepList = sepSide === stamp ? bl : br;
      if (best && sepList.length >= best.sep.length) continue;
      const inSep = new Set(sepList);
      const left: number[] = [];
      const right: number[] = [];
      for (const v of set) {
        if (inSep.has(v)) continue;
        (side[v] === stamp ? left : right).push(v);
      }
      best = { left: Int32Array.from(left), right: Int32Array.from(right), sep: Int32Array.from(sepList) };
    }
    // Separator after both sides: pushed first so it is popped last.
    work.push({ set: best!.sep, sep: true }, { set: best!.left, sep: false }, { set: best!.right, sep: false });
  }
  return rank;
}
