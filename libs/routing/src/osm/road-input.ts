import { type SpeedProfile, type WayRule, wayRule } from '../profile';
import type { OsmData } from './osm-data';
import type { OsmRestriction } from './osm-visitor';

/**
 * What the graph builder needs of an extract, flat and typed: the drivable ways (for one profile)
 * and only the nodes they use, in extract order. Either reader produces it: the in-memory OsmData
 * (hand-drawn maps, tests) and the two-pass streaming import (files of any size).
 */
export interface RoadInput {
  /** Every node in the extract, road or not (for the graph's meta). */
  osmNodes: number;
  /** Ways with a highway tag and at least two nodes, drivable or not. */
  highwayWays: number;
  nodeCount: number;
  nodeLat: Float64Array;
  nodeLon: Float64Array;
  nodeOsmId: Float64Array;
  /** Drivable ways in extract order. */
  wayCount: number;
  wayId: Float64Array;
  /** Index into rules. */
  wayRule: Int32Array;
  rules: WayRule[];
  /** Nodes of way w are refNode[refStart[w] .. refStart[w+1]-1]: node indices, -1 where the extract lacks it. */
  refStart: Int32Array;
  refNode: Int32Array;
  /** viaNode is a node index here, -1 when it is no road node. */
  restrictions: OsmRestriction[];
  /** type=restriction relations we could not use (via-way, missing members, unknown kind). */
  skippedRestrictions: number;
}

/** Interns way rules: a province has millions of ways but a few dozen distinct rules. */
export class RuleTable {
  readonly rules: WayRule[] = [];
  private readonly byKey = new Map<string, number>();

  idOf(r: WayRule): number {
    const key = `${r.cls}|${r.forward}|${r.backward}|${r.speedFwdKmh}|${r.speedBwdKmh}`;
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.rules.length;
      this.rules.push(r);
      this.byKey.set(key, id);
    }
    return id;
  }
}

/** The road input of an extract parsed whole into memory. */
export function roadInputFromOsm(osm: OsmData, profile: SpeedProfile): RoadInput {
  const table = new RuleTable();
  const wayIds: number[] = [], wayRules: number[] = [], refStart: number[] = [0], refs: number[] = [];
  const road = new Int32Array(osm.nodeCount).fill(-1);
  const osmIdOf = new Float64Array(osm.nodeCount);
  for (const w of osm.ways) {
    const rule = wayRule(w.tags, profile);
    if (rule === null) continue;
    wayIds.push(w.id);
    wayRules.push(table.idOf(rule));
    for (const ref of w.refs) {
      const i = osm.nodeIdx(ref);
      refs.push(i);
      if (i >= 0) {
        road[i] = 0;
        osmIdOf[i] = ref;
      }
    }
    refStart.push(refs.length);
  }
  let n = 0;
  for (let i = 0; i < osm.nodeCount; i++) if (road[i] === 0) road[i] = n++;
  const nodeLat = new Float64Array(n), nodeLon = new Float64Array(n), nodeOsmId = new Float64Array(n);
  for (let i = 0; i < osm.nodeCount; i++) {
    const k = road[i]!;
    if (k < 0) continue;
    nodeLat[k] = osm.lat(i);
    nodeLon[k] = osm.lon(i);
    nodeOsmId[k] = osmIdOf[i]!;
  }
  const restrictions = osm.restrictions.map((r) => {
    const i = osm.nodeIdx(r.viaNode);
    return { ...r, viaNode: i >= 0 ? road[i]! : -1 };
  });
  return {
    osmNodes: osm.nodeCount,
    highwayWays: osm.ways.length,
    nodeCount: n,
    nodeLat,
    nodeLon,
    nodeOsmId,
    wayCount: wayIds.length,
    wayId: Float64Array.from(wayIds),
    wayRule: Int32Array.from(wayRules),
    rules: table.rules,
    refStart: Int32Array.from(refStart),
    refNode: Int32Array.from(refs.map((i) => (i >= 0 ? road[i]! : -1))),
    restrictions,
    skippedRestrictions: osm.skippedRestrictions,
  };
}
