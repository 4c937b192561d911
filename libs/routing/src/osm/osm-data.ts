import type { Tags } from '../profile';

export interface OsmWay {
  id: number;
  refs: number[];
  tags: Tags;
}

export interface OsmRestriction {
  id: number;
  /** no_* forbids from→to; only_* forbids from→anything else. */
  kind: 'no' | 'only';
  fromWay: number;
  viaNode: number;
  toWay: number;
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

  addRelation(id: number, members: { type: string; ref: number; role: string }[], tags: Tags): void {
    const t = tags['type'];
    if (t !== 'restriction' && t !== 'restriction:motorcar') return;
    const r = tags['restriction'] ?? tags['restriction:motorcar'];
    const except = (tags['except'] ?? '').split(';').map((s) => s.trim());
    if (except.includes('emergency')) return;
    const from = members.filter((m) => m.role === 'from' && m.type === 'way');
    const via = members.filter((m) => m.role === 'via');
    const to = members.filter((m) => m.role === 'to' && m.type === 'way');
    const kind = r?.startsWith('no_') ? 'no' : r?.startsWith('only_') ? 'only' : null;
    // Via-way restrictions need a path-based model; they are rare (see README) and skipped.
    if (kind === null || from.length !== 1 || to.length !== 1 || via.length !== 1 || via[0]!.type !== 'node') {
      this.skippedRestrictions++;
      return;
    }
    this.restrictions.push({ id, kind, fromWay: from[0]!.ref, viaNode: via[0]!.ref, toWay: to[0]!.ref });
  }
}
