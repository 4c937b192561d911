import type { ContractionHierarchy } from './contraction';
import type { SegmentGrid } from './segment-grid';

export interface GraphMeta {
  /** Format of the in-memory/cached layout; bump when arrays change. */
  formatVersion: number;
  source: string;
  sourceSha256: string;
  profileName: string;
  profileKey: string;
  buildMs: number;
  builtAt: string;
  /** [minLon, minLat, maxLon, maxLat] of the drivable network. */
  bbox: [number, number, number, number];
  osmNodes: number;
  highwayWays: number;
  drivableWays: number;
  restrictionsApplied: number;
  restrictionsSkipped: number;
  /** Vertices added to honour turn restrictions (one per in-edge of a via node). */
  turnSplitVertices: number;
  /** Strongly connected components of the directed graph (see components.ts). */
  components: number;
  /** Vertices outside the largest one: road pieces from which not every other vertex is reachable or back. */
  verticesOutsideMain: number;
  /** The area the extract was cut to while reading (see osm/clip.ts), when it was. */
  clip?: string;
}

/**
 * The routable graph. Vertices are OSM junctions and way ends (degree-2 chains are folded into one
 * edge, their shape kept for geometry and snapping). A "chain" is one undirected piece of one way
 * between two vertices; each drivable direction of it is a directed edge. Edges are stored sorted
 * by source, so the forward CSR is the edge order itself; the reverse CSR lists edge ids by target.
 */
export interface RoadGraph {
  meta: GraphMeta;
  vertexCount: number;
  edgeCount: number;
  chainCount: number;
  vLat: Float64Array;
  vLon: Float64Array;
  /** OSM node id of each vertex (turn-split copies share their original's id). */
  vOsmId: Float64Array;
  /** Edges of vertex v are fwdStart[v] .. fwdStart[v+1]-1. */
  fwdStart: Int32Array;
  eSrc: Int32Array;
  eDst: Int32Array;
  /** Seconds at the profile's speed. */
  eTime: Float64Array;
  /** Metres along the road (geodesic, summed over the shape). */
  eDist: Float64Array;
  eChain: Int32Array;
  /** 0: along the chain's shape order (OSM way direction); 1: against it. */
  eDir: Uint8Array;
  /** Incoming edges of vertex v are revEdge[revStart[v] .. revStart[v+1]-1]. */
  revStart: Int32Array;
  revEdge: Int32Array;
  /**
   * Strongly connected component of each vertex, largest first: 0 is the main network, on which every
   * vertex reaches every other. snap() keeps to chains with both ends on it unless told otherwise.
   */
  vComp: Int32Array;
  cFrom: Int32Array;
  cTo: Int32Array;
  cWayId: Float64Array;
  cLength: Float64Array;
  /** Shape points of chain c are shapeStart[c] .. shapeStart[c+1]-1 (both ends included). */
  cShapeStart: Int32Array;
  /** Directed edges of chain c are cEdges[cEdgeStart[c] .. cEdgeStart[c+1]-1] (several after turn splits). */
  cEdgeStart: Int32Array;
  cEdges: Int32Array;
  sLat: Float64Array;
  sLon: Float64Array;
  /** Metres from the chain's first shape point to this one. */
  sCum: Float64Array;
  /** Segment p (shape point p to p+1, same chain) is item p of the index, in projected metres. */
  index: SegmentGrid;
  /** cos(latitude) of the projection used by the index. */
  projCos: number;
  /** Contraction hierarchy on travel time, when built (loadGraph does by default). */
  ch?: ContractionHierarchy;
}

/** The chain that owns shape point p (binary search over cShapeStart). */
export function chainOfShapePoint(g: RoadGraph, p: number): number {
  let lo = 0;
  let hi = g.chainCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (g.cShapeStart[mid]! <= p) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Whether directed edge e runs between two vertices of the main network (largest strongly connected
 * component). A point on such an edge can drive to, and be reached from, every other main vertex: it
 * leaves through the edge's head and is entered through its tail. Checked per edge rather than on the
 * chain's cFrom/cTo because turn splits re-point edges to copies of a via vertex, and a copy may lie
 * outside the main network while its original lies inside.
 */
export function edgeOnMainNetwork(g: RoadGraph, e: number): boolean {
  return g.vComp[g.eSrc[e]!] === 0 && g.vComp[g.eDst[e]!] === 0;
}
