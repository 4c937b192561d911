import type { Tags } from '../profile';
import { type OsmMember, type OsmRestriction, readRestriction } from './osm-visitor';

export type { OsmRestriction } from './osm-visitor';

export interface OsmWay {
  id: number;
  refs: number[];
  tags: Tags;
}

/** What the graph builder needs from an extract: node positions, highway ways, turn restrictions. */
export class OsmData {
  private readonly index = new Map<number, number>();
  private latArr = new Float64Array(1024);
  private lonArr = new Float64Array(1024);
  private n = 0;
  readonly ways: OsmWay[] = [];
  readonly restrictions: OsmRestriction[] = [];
  /** Relations of type=restriction we could not use (via-way, missing members, unknown kind). */
  skippedRestrictions = 0;

  addNode(id: number, lat: number, lon: number): void {
    if (this.n === this.latArr.length) {
      const lat2 = new Float64Array(this.n * 2);
      lat2.set(this.latArr);
      this.latArr = lat2;
      const lon2 = new Float64Array(this.n * 2);
      lon2.set(this.lonArr);
      this.lonArr = lon2;
    }
    this.index.set(id, this.n);
    this.latArr[this.n] = lat;
    this.lonArr[this.n] = lon;
    this.n++;
  }

  /** Index of a node, or -1 when the extract cut it off. */
  nodeIdx(id: number): number {
    return this.index.get(id) ?? -1;
  }
  lat(i: number): number {
    return this.latArr[i]!;
  }
  lon(i: number): number {
    return this.lonArr[i]!;
  }
  get nodeCount(): number {
    return this.n;
  }

  addWay(id: number, refs: number[], tags: Tags): void {
    if (tags['highway'] !== undefined && refs.length >= 2) this.ways.push({ id, refs, tags });
  }

  addRelation(id: number, members: OsmMember[], tags: Tags): void {
    const r = readRestriction(id, members, tags);
    if (r === 'skipped') this.skippedRestrictions++;
    else if (r !== null) this.restrictions.push(r);
  }

  /** This store as a reader's visitor (one pass takes every element). */
  visitor(): { node: OsmData['addNode']; way: OsmData['addWay']; relation: OsmData['addRelation'] } {
    return { node: this.addNode.bind(this), way: this.addWay.bind(this), relation: this.addRelation.bind(this) };
  }
}
