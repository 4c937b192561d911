import { closeSync, openSync, writeSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import Pbf from 'pbf';
import type { Tags } from '../profile';
import type { OsmMember } from './osm-visitor';

/**
 * Writes a standard .osm.pbf (OsmSchema-V0.6, DenseNodes, zlib blobs of 8,000 elements, nodes then
 * ways then relations), block by block, so a file of any size is written in constant memory.
 * Callers give elements in ascending id order within each kind (Sort.Type_then_ID), as real
 * extracts have them. Coordinates are in units of 1e-7 degree (the format's default granularity).
 */
const BLOCK = 8000;
const KIND_ORDER = { node: 0, way: 1, relation: 2 } as const;
const MEMBER_TYPE: Record<string, number> = { node: 0, way: 1, relation: 2 };

interface WayRec {
  id: number;
  refs: number[];
  tags: Tags;
}
interface RelRec {
  id: number;
  members: OsmMember[];
  tags: Tags;
}

export class PbfWriter {
  private readonly fd: number;
  private kind: keyof typeof KIND_ORDER = 'node';
  private nodeId: number[] = [];
  private nodeLat: number[] = [];
  private nodeLon: number[] = [];
  private ways: WayRec[] = [];
  private rels: RelRec[] = [];
  bytesWritten = 0;
  counts = { nodes: 0, ways: 0, relations: 0 };

  constructor(path: string, bbox?: { minLon: number; minLat: number; maxLon: number; maxLat: number }) {
    this.fd = openSync(path, 'w');
    const p = new Pbf();
    if (bbox) {
      message(p, 1, (q) => {
        // HeaderBBox is in nanodegrees: left, right, top, bottom.
        q.writeSVarintField(1, Math.round(bbox.minLon * 1e9));
        q.writeSVarintField(2, Math.round(bbox.maxLon * 1e9));
        q.writeSVarintField(3, Math.round(bbox.maxLat * 1e9));
        q.writeSVarintField(4, Math.round(bbox.minLat * 1e9));
      });
    }
    p.writeStringField(4, 'OsmSchema-V0.6');
    p.writeStringField(4, 'DenseNodes');
    p.writeStringField(16, 'rescue-circle');
    this.blob('OSMHeader', p.finish());
  }

  node(id: number, lat7: number, lon7: number): void {
    this.enter('node');
    this.nodeId.push(id);
    this.nodeLat.push(lat7);
    this.nodeLon.push(lon7);
    this.counts.nodes++;
    if (this.nodeId.length === BLOCK) this.flush();
  }

  way(id: number, refs: number[], tags: Tags): void {
    this.enter('way');
    this.ways.push({ id, refs, tags });
    this.counts.ways++;
    if (this.ways.length === BLOCK) this.flush();
  }

  relation(id: number, members: OsmMember[], tags: Tags): void {
    this.enter('relation');
    this.rels.push({ id, members, tags });
    this.counts.relations++;
    if (this.rels.length === BLOCK) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private enter(kind: keyof typeof KIND_ORDER): void {
    if (KIND_ORDER[kind] < KIND_ORDER[this.kind]) throw new Error(`PbfWriter: a ${kind} after ${this.kind}s (write nodes, then ways, then relations)`);
    if (kind !== this.kind) this.flush();
    this.kind = kind;
  }

  private flush(): void {
    if (this.nodeId.length > 0) {
      const [ids, lats, lons] = [this.nodeId, this.nodeLat, this.nodeLon];
      this.block([''], (p) => message(p, 2, (q) => {
        q.writePackedSVarint(1, deltas(ids));
        q.writePackedSVarint(8, deltas(lats));
        q.writePackedSVarint(9, deltas(lons));
      }));
      this.nodeId = [];
      this.nodeLat = [];
      this.nodeLon = [];
    }
    if (this.ways.length > 0) {
      const st = new StringTable();
      const ways = this.ways;
      for (const w of ways) for (const [k, v] of Object.entries(w.tags)) st.id(k), st.id(v);
      this.block(st.strings, (p) => {
        for (const w of ways) {
          message(p, 3, (q) => {
            q.writeVarintField(1, w.id);
            const keys = Object.keys(w.tags);
            q.writePackedVarint(2, keys.map((k) => st.id(k)));
            q.writePackedVarint(3, keys.map((k) => st.id(w.tags[k]!)));
            q.writePackedSVarint(8, deltas(w.refs));
          });
        }
      });
      this.ways = [];
    }
    if (this.rels.length > 0) {
      const st = new StringTable();
      const rels = this.rels;
      for (const r of rels) {
        for (const [k, v] of Object.entries(r.tags)) st.id(k), st.id(v);
        for (const m of r.members) st.id(m.role);
      }
      this.block(st.strings, (p) => {
        for (const r of rels) {
          message(p, 4, (q) => {
            q.writeVarintField(1, r.id);
            const keys = Object.keys(r.tags);
            q.writePackedVarint(2, keys.map((k) => st.id(k)));
            q.writePackedVarint(3, keys.map((k) => st.id(r.tags[k]!)));
            q.writePackedVarint(8, r.members.map((m) => st.id(m.role)));
            q.writePackedSVarint(9, deltas(r.members.map((m) => m.ref)));
            q.writePackedVarint(10, r.members.map((m) => MEMBER_TYPE[m.type] ?? 0));
          });
        }
      });
      this.rels = [];
    }
  }

  /** One PrimitiveBlock: string table, then a single group written by fill. */
  private block(strings: string[], fill: (p: Pbf) => void): void {
    const p = new Pbf();
    message(p, 1, (q) => {
      for (const s of strings) q.writeBytesField(1, Buffer.from(s, 'utf8'));
    });
    message(p, 2, fill);
    this.blob('OSMData', p.finish());
  }

  private blob(type: string, data: Uint8Array): void {
    const b = new Pbf();
    b.writeVarintField(2, data.length);
    b.writeBytesField(3, deflateSync(data));
    const blob = b.finish();
    const h = new Pbf();
    h.writeStringField(1, type);
    h.writeVarintField(3, blob.length);
    const head = h.finish();
    const len = Buffer.alloc(4);
    len.writeUInt32BE(head.length);
    for (const part of [len, head, blob]) {
      writeSync(this.fd, part);
      this.bytesWritten += part.length;
    }
  }
}

function message(p: Pbf, tag: number, fill: (q: Pbf) => void): void {
  p.writeMessage(tag, (_o: null, q?: Pbf) => fill(q!), null);
}

function deltas(xs: number[]): number[] {
  const out = new Array<number>(xs.length);
  let prev = 0;
  for (let i = 0; i < xs.length; i++) {
    out[i] = xs[i]! - prev;
    prev = xs[i]!;
  }
  return out;
}

class StringTable {
  readonly strings: string[] = ['']; // index 0 is reserved (the dense-node tag delimiter)
  private readonly ids = new Map<string, number>();
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, i);
    }
    return i;
  }
}
