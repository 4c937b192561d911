import { RoutingError } from './errors';
import { cosDeg, haversineM, projX, projY } from '@rescue/common';
import type { GraphMeta, RoadGraph } from './graph';
import { OsmData } from './osm/osm-data';
import type { OsmRestriction } from './osm/osm-visitor';
import { type RoadInput, roadInputFromOsm } from './osm/road-input';
import { strongComponents } from './components';
import { buildSegmentGrid, type SegmentGrid } from './segment-grid';
import { profileKey, type SpeedProfile } from './profile';

/** 3: per-vertex strongly connected component (vComp) and its meta counts; older caches rebuild. */
export const GRAPH_FORMAT_VERSION = 3;

export type ProgressFn = (phase: string, done: number, total: number) => void;

export interface BuildInfo {
  source: string;
  sourceSha256: string;
}

interface Run {
  wayIdx: number;
  /** Road node indices, a slice of the input's refNode. */
  start: number;
  end: number;
}

/**
 * Turn an extract into a RoadGraph. Deterministic: the same extract and profile give the same arrays.
 * Takes the in-memory OsmData (hand-drawn maps, tests) or a RoadInput from the streaming import.
 */
export function buildGraph(source: OsmData | RoadInput, profile: SpeedProfile, info: BuildInfo, onProgress?: ProgressFn): RoadGraph {
  const t0 = performance.now();
  const osm = source instanceof OsmData ? roadInputFromOsm(source, profile) : source;
  const refs = osm.refNode;

  // 1. Drivable runs: a way cut where the extract lost a node, so no straight line bridges the gap.
  const runs: Run[] = [];
  for (let wi = 0; wi < osm.wayCount; wi++) {
    let start = osm.refStart[wi]!;
    const end = osm.refStart[wi + 1]!;
    for (let k = start; k <= end; k++) {
      if (k < end && refs[k]! >= 0) continue;
      if (k - start >= 2) runs.push({ wayIdx: wi, start, end: k });
      start = k + 1;
    }
  }
  if (runs.length === 0) throw new RoutingError('BAD_EXTRACT', `${info.source}: no drivable road for profile ${profile.name}`);
  onProgress?.('ways', runs.length, runs.length);

  // 2. Vertices: nodes shared by two ways (or twice by one), run ends, and restriction via nodes.
  const use = new Uint8Array(osm.nodeCount);
  const vertexOf = new Int32Array(osm.nodeCount).fill(-1);
  for (const r of runs) for (let k = r.start; k < r.end; k++) if (use[refs[k]!]! < 2) use[refs[k]!]!++;
  for (const r of runs) {
    use[refs[r.start]!] = 2;
    use[refs[r.end - 1]!] = 2;
  }
  for (const tr of osm.restrictions) {
    const i = tr.viaNode;
    if (i >= 0 && use[i]! > 0) use[i] = 2;
  }
  const vLat: number[] = [];
  const vLon: number[] = [];
  const vOsm: number[] = [];
  for (let i = 0; i < osm.nodeCount; i++) {
    if (use[i] === 2) {
      vertexOf[i] = vLat.length;
      vLat.push(osm.nodeLat[i]!);
      vLon.push(osm.nodeLon[i]!);
      vOsm.push(osm.nodeOsmId[i]!);
    }
  }

  // 3. Chains and their directed edges.
  const cFrom: number[] = [];
  const cTo: number[] = [];
  const cWay: number[] = [];
  const cLen: number[] = [];
  const shapeStart: number[] = [];
  const sLat: number[] = [];
  const sLon: number[] = [];
  const sCum: number[] = [];
  const eSrc: number[] = [];
  const eDst: number[] = [];
  const eTime: number[] = [];
  const eDist: number[] = [];
  const eChain: number[] = [];
  const eDir: number[] = [];
  let minLat = Infinity, minLon = Infinity, maxLat = -Infinity, maxLon = -Infinity;
  for (const r of runs) {
    const rule = osm.rules[osm.wayRule[r.wayIdx]!]!;
    const wayId = osm.wayId[r.wayIdx]!;
    let start = r.start;
    for (let k = r.start + 1; k < r.end; k++) {
      if (vertexOf[refs[k]!]! < 0) continue;
      const c = cFrom.length;
      shapeStart.push(sLat.length);
      let len = 0;
      for (let j = start; j <= k; j++) {
        const n = refs[j]!;
        const la = osm.nodeLat[n]!;
        const lo = osm.nodeLon[n]!;
        if (j > start) len += haversineM(sLat[sLat.length - 1]!, sLon[sLon.length - 1]!, la, lo);
        sLat.push(la);
        sLon.push(lo);
        sCum.push(len);
        if (la < minLat) minLat = la;
        if (la > maxLat) maxLat = la;
        if (lo < minLon) minLon = lo;
        if (lo > maxLon) maxLon = lo;
      }
      const u = vertexOf[refs[start]!]!;
      const v = vertexOf[refs[k]!]!;
      cFrom.push(u);
      cTo.push(v);
      cWay.push(wayId);
      cLen.push(len);
      if (rule.forward) pushEdge(u, v, len / (rule.speedFwdKmh / 3.6), len, c, 0);
      if (rule.backward) pushEdge(v, u, len / (rule.speedBwdKmh / 3.6), len, c, 1);
      start = k;
    }
  }
  shapeStart.push(sLat.length);
  function pushEdge(s: number, d: number, t: number, m: number, c: number, dir: number): void {
    eSrc.push(s);
    eDst.push(d);
    eTime.push(t);
    eDist.push(m);
    eChain.push(c);
    eDir.push(dir);
  }
  onProgress?.('chains', cFrom.length, cFrom.length);

  // 4. Turn restrictions by node splitting (see splitForRestrictions).
  const split = splitForRestrictions(osm.restrictions, vertexOf, cWay, { eSrc, eDst, eTime, eDist, eChain, eDir }, { vLat, vLon, vOsm });
  onProgress?.('restrictions', split.applied, osm.restrictions.length);

  // 5. CSR.
  const n = vLat.length;
  const m = eSrc.length;
  const fwdStart = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) fwdStart[eSrc[e]! + 1]!++;
  for (let v = 0; v < n; v++) fwdStart[v + 1]! += fwdStart[v]!;
  const pos = fwdStart.slice(0, n);
  const order = new Int32Array(m); // order[new] = old
  for (let e = 0; e < m; e++) order[pos[eSrc[e]!]!++] = e;
  const g = {
    eSrc: new Int32Array(m),
    eDst: new Int32Array(m),
    eTime: new Float64Array(m),
    eDist: new Float64Array(m),
    eChain: new Int32Array(m),
    eDir: new Uint8Array(m),
  };
  for (let k = 0; k < m; k++) {
    const e = order[k]!;
    g.eSrc[k] = eSrc[e]!;
    g.eDst[k] = eDst[e]!;
    g.eTime[k] = eTime[e]!;
    g.eDist[k] = eDist[e]!;
    g.eChain[k] = eChain[e]!;
    g.eDir[k] = eDir[e]!;
  }
  const revStart = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) revStart[g.eDst[e]! + 1]!++;
  for (let v = 0; v < n; v++) revStart[v + 1]! += revStart[v]!;
  const rpos = revStart.slice(0, n);
  const revEdge = new Int32Array(m);
  for (let e = 0; e < m; e++) revEdge[rpos[g.eDst[e]!]!++] = e;
  const nc = cFrom.length;
  const cEdgeStart = new Int32Array(nc + 1);
  for (let e = 0; e < m; e++) cEdgeStart[g.eChain[e]! + 1]!++;
  for (let c = 0; c < nc; c++) cEdgeStart[c + 1]! += cEdgeStart[c]!;
  const cpos = cEdgeStart.slice(0, nc);
  const cEdges = new Int32Array(m);
  for (let e = 0; e < m; e++) cEdges[cpos[g.eChain[e]!]!++] = e;
  // Main network (largest strongly connected component), on the final graph: turn splits included.
  const scc = strongComponents(n, fwdStart, g.eDst, revStart, revEdge, g.eSrc);
  onProgress?.('components', scc.sizes.length, scc.sizes.length);

  // 6. Spatial index over shape segments.
  const cShapeStart = Int32Array.from(shapeStart);
  const sLatA = Float64Array.from(sLat);
  const sLonA = Float64Array.from(sLon);
  const projCos = cosDeg((minLat + maxLat) / 2);
  const index = buildSegmentIndex(cShapeStart, sLatA, sLonA, projCos);
  onProgress?.('index', index.cellItems.length, index.cellItems.length);

  const meta: GraphMeta = {
    formatVersion: GRAPH_FORMAT_VERSION,
    source: info.source,
    sourceSha256: info.sourceSha256,
    profileName: profile.name,
    profileKey: profileKey(profile),
    buildMs: 0,
    builtAt: new Date().toISOString(),
    bbox: [minLon, minLat, maxLon, maxLat],
    osmNodes: osm.osmNodes,
    highwayWays: osm.highwayWays,
    drivableWays: osm.wayCount,
    restrictionsApplied: split.applied,
    restrictionsSkipped: osm.skippedRestrictions + split.skipped,
    turnSplitVertices: split.addedVertices,
    components: scc.sizes.length,
    verticesOutsideMain: n - scc.sizes[0]!,
  };
  const graph: RoadGraph = {
    meta,
    vertexCount: n,
    edgeCount: m,
    chainCount: nc,
    vLat: Float64Array.from(vLat),
    vLon: Float64Array.from(vLon),
    vOsmId: Float64Array.from(vOsm),
    fwdStart,
    ...g,
    revStart,
    revEdge,
    vComp: scc.comp,
    cFrom: Int32Array.from(cFrom),
    cTo: Int32Array.from(cTo),
    cWayId: Float64Array.from(cWay),
    cLength: Float64Array.from(cLen),
    cShapeStart,
    cEdgeStart,
    cEdges,
    sLat: sLatA,
    sLon: sLonA,
    sCum: Float64Array.from(sCum),
    index,
    projCos,
  };
  meta.buildMs = performance.now() - t0;
  return graph;
}

/** Grid over every shape segment; item p is the segment starting at shape point p. */
export function buildSegmentIndex(cShapeStart: Int32Array, sLat: Float64Array, sLon: Float64Array, projCos: number): SegmentGrid {
  const total = sLat.length;
  // One box per shape point so ids equal shape point indices; a chain's last point has no segment.
  const boxes = new Float64Array(total * 4).fill(NaN);
  for (let c = 0; c + 1 < cShapeStart.length; c++) {
    for (let p = cShapeStart[c]!; p + 1 < cShapeStart[c + 1]!; p++) {
      const x1 = projX(sLon[p]!, projCos), y1 = projY(sLat[p]!);
      const x2 = projX(sLon[p + 1]!, projCos), y2 = projY(sLat[p + 1]!);
      boxes.set([Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)], 4 * p);
    }
  }
  return buildSegmentGrid(boxes);
}

interface EdgeLists { eSrc: number[]; eDst: number[]; eTime: number[]; eDist: number[]; eChain: number[]; eDir: number[] }
interface VertexLists { vLat: number[]; vLon: number[]; vOsm: number[] }

/**
 * Honour node-via turn restrictions by splitting each via vertex into one copy per incoming edge;
 * a copy keeps only the outgoing edges its incoming way may turn into. Plain node-based Dijkstra
 * then respects the restriction with no special case in any search. Restrictions name ways, and
 * duplicated edges keep their chain (hence way), so vertices may be split in any order.
 */
function splitForRestrictions(
  restrictions: OsmRestriction[],
  vertexOf: Int32Array,
  cWay: number[],
  E: EdgeLists,
  V: VertexLists,
): { applied: number; skipped: number; addedVertices: number } {
  const at = new Map<number, OsmRestriction[]>();
  let skipped = 0;
  const drivableWays = new Set(cWay);
  for (const r of restrictions) {
    const v = r.viaNode >= 0 ? vertexOf[r.viaNode]! : -1;
    if (v < 0 || !drivableWays.has(r.fromWay) || !drivableWays.has(r.toWay)) {
      skipped++;
      continue;
    }
    const list = at.get(v) ?? [];
    list.push(r);
    at.set(v, list);
  }
  if (at.size === 0) return { applied: 0, skipped, addedVertices: 0 };
  const inE = new Map<number, number[]>();
  const outE = new Map<number, number[]>();
  for (const v of at.keys()) {
    inE.set(v, []);
    outE.set(v, []);
  }
  for (let e = 0; e < E.eSrc.length; e++) {
    inE.get(E.eDst[e]!)?.push(e);
    outE.get(E.eSrc[e]!)?.push(e);
  }
  let applied = 0;
  let added = 0;
  const dead = new Set<number>();
  for (const [v, rs] of at) {
    const ins = inE.get(v)!.filter((e) => !dead.has(e));
    const outs = outE.get(v)!.filter((e) => !dead.has(e));
    if (ins.some((e) => E.eSrc[e] === v)) {
      skipped += rs.length; // a self-loop at the via node: too rare to model
      continue;
    }
    applied += rs.length;
    if (ins.length === 0) continue;
    const way = (e: number): number => cWay[E.eChain[e]!]!;
    const allowed = (i: number, o: number): boolean => {
      for (const r of rs) {
        if (r.fromWay !== way(i)) continue;
        if (r.kind === 'no' && r.toWay === way(o)) return false;
        if (r.kind === 'only' && r.toWay !== way(o)) return false;
      }
      return true;
    };
    for (let k = 0; k < ins.length; k++) {
      const i = ins[k]!;
      let copy = v;
      if (k > 0) {
        copy = V.vLat.length;
        V.vLat.push(V.vLat[v]!);
        V.vLon.push(V.vLon[v]!);
        V.vOsm.push(V.vOsm[v]!);
        added++;
      }
      E.eDst[i] = copy;
      for (const o of outs) {
        if (!allowed(i, o)) continue;
        const ne = E.eSrc.length;
        E.eSrc.push(copy);
        E.eDst.push(E.eDst[o]!);
        E.eTime.push(E.eTime[o]!);
        E.eDist.push(E.eDist[o]!);
        E.eChain.push(E.eChain[o]!);
        E.eDir.push(E.eDir[o]!);
        inE.get(E.eDst[o]!)?.push(ne); // a later via vertex sees the duplicate as one more in-edge
      }
    }
    // The originals are replaced by the per-copy duplicates.
    for (const o of outs) dead.add(o);
  }
  if (dead.size > 0) compact(E, dead);
  return { applied, skipped, addedVertices: added };
}

function compact(E: EdgeLists, dead: Set<number>): void {
  let w = 0;
  for (let r = 0; r < E.eSrc.length; r++) {
    if (dead.has(r)) continue;
    E.eSrc[w] = E.eSrc[r]!;
    E.eDst[w] = E.eDst[r]!;
    E.eTime[w] = E.eTime[r]!;
    E.eDist[w] = E.eDist[r]!;
    E.eChain[w] = E.eChain[r]!;
    E.eDir[w] = E.eDir[r]!;
    w++;
  }
  for (const arr of Object.values(E) as number[][]) arr.length = w;
}
