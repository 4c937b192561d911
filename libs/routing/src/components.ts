/**
 * Strongly connected components of the directed road graph.
 *
 * Why: extracts hold road pieces from which no route leads anywhere (one-way stubs pointing into a
 * pedestrianised centre, a private estate cut by access tags, a tiny piece clipped by the extract
 * boundary). A point snapped onto such a piece is "unreachable" for dispatch although a main road may
 * be 20 m away. On the largest strongly connected component every vertex reaches every other, so
 * snapping onto it (the default, see snap.ts) always gives a routable point.
 *
 * Kosaraju with explicit stacks in typed arrays (no recursion: a 100k-vertex chain would overflow the
 * JS stack), O(V + E). Component ids are renumbered by size, largest first (ties: the order Kosaraju
 * found them, which is deterministic for a given graph), so id 0 is always the main network.
 */
export interface StrongComponents {
  /** Component of each vertex; 0 = the largest (main network). */
  comp: Int32Array;
  /** Vertices per component, by id (non-increasing). */
  sizes: Int32Array;
}

export function strongComponents(
  n: number,
  fwdStart: Int32Array,
  eDst: Int32Array,
  revStart: Int32Array,
  revEdge: Int32Array,
  eSrc: Int32Array,
): StrongComponents {
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
    stackI[0] = fwdStart[s]!;
    seen[s] = 1;
    while (top >= 0) {
      const v = stackV[top]!;
      const i = stackI[top]!;
      if (i < fwdStart[v + 1]!) {
        stackI[top] = i + 1;
        const w = eDst[i]!;
        if (!seen[w]) {
          seen[w] = 1;
          top++;
          stackV[top] = w;
          stackI[top] = fwdStart[w]!;
        }
      } else {
        order[orderLen++] = v;
        top--;
      }
    }
  }
  // 2. Search the reversed graph in reverse finishing order: each tree is one component.
  const raw = new Int32Array(n).fill(-1);
  const rawSizes: number[] = [];
  for (let k = n - 1; k >= 0; k--) {
    const s = order[k]!;
    if (raw[s] !== -1) continue;
    const c = rawSizes.length;
    let size = 0;
    let top = 0;
    stackV[0] = s;
    raw[s] = c;
    while (top >= 0) {
      const v = stackV[top--]!;
      size++;
      for (let j = revStart[v]!; j < revStart[v + 1]!; j++) {
        const u = eSrc[revEdge[j]!]!;
        if (raw[u] === -1) {
          raw[u] = c;
          stackV[++top] = u;
        }
      }
    }
    rawSizes.push(size);
  }
  // 3. Renumber: largest first, so "main network" is simply comp === 0.
  const byRank = rawSizes.map((_, c) => c).sort((a, b) => rawSizes[b]! - rawSizes[a]! || a - b);
  const newId = new Int32Array(rawSizes.length);
  byRank.forEach((c, rank) => (newId[c] = rank));
  const comp = new Int32Array(n);
  for (let v = 0; v < n; v++) comp[v] = newId[raw[v]!]!;
  return { comp, sizes: Int32Array.from(byRank, (c) => rawSizes[c]!) };
}
