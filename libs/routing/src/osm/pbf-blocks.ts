import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import Pbf from 'pbf';
import { RoutingError } from '../errors';
import type { OsmVisitor } from './osm-visitor';

/**
 * .osm.pbf read one blob at a time from a file descriptor: only the current blob and its inflated
 * block are in memory. Decoding is written on mapbox's `pbf` (varints, packed fields) rather than
 * through a generated schema, so a pass can skip what it does not need without building objects
 * (the way pass never decodes a node; the node pass never reads a tag).
 */

export interface BlobRef {
  /** File offset of the blob's 4-byte header length. */
  offset: number;
  /** Bytes from offset to the end of the blob. */
  size: number;
  type: string;
}

const MAX_HEADER = 64 * 1024;
const MAX_BLOB = 32 * 1024 * 1024; // the format's own limit
const SUPPORTED = new Set(['OsmSchema-V0.6', 'DenseNodes', 'HistoricalInformation']);

export class PbfFile {
  private readonly fd: number;
  readonly size: number;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch (e) {
      throw new RoutingError('BAD_EXTRACT', `cannot read ${path}: ${(e as Error).message}`);
    }
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  private read(offset: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, buf, got, length - got, offset + got);
      if (n === 0) throw new RoutingError('BAD_EXTRACT', `${this.path}: truncated at byte ${offset + got}`);
      got += n;
    }
    return buf;
  }

  /** Every blob's place and type, reading only the small blob headers. */
  blobs(): BlobRef[] {
    const out: BlobRef[] = [];
    let offset = 0;
    while (offset < this.size) {
      if (offset + 4 > this.size) throw new RoutingError('BAD_EXTRACT', `${this.path}: truncated blob header at ${offset}`);
      const headLen = this.read(offset, 4).readUInt32BE(0);
      if (headLen === 0 || headLen > MAX_HEADER) throw new RoutingError('BAD_EXTRACT', `${this.path}: not an OSM PBF (blob header of ${headLen} bytes at ${offset})`);
      const head = readBlobHeader(this.read(offset + 4, headLen));
      if (head.datasize < 0 || head.datasize > MAX_BLOB) throw new RoutingError('BAD_EXTRACT', `${this.path}: blob of ${head.datasize} bytes at ${offset}`);
      const size = 4 + headLen + head.datasize;
      if (offset + size > this.size) throw new RoutingError('BAD_EXTRACT', `${this.path}: truncated blob at ${offset}`);
      out.push({ offset, size, type: head.type });
      offset += size;
    }
    if (out[0]?.type !== 'OSMHeader') throw new RoutingError('BAD_EXTRACT', `${this.path}: not an OSM PBF (no OSMHeader first)`);
    return out;
  }

  /** The blob's inflated content. */
  data(ref: BlobRef): Buffer {
    const headLen = this.read(ref.offset, 4).readUInt32BE(0);
    const start = ref.offset + 4 + headLen;
    return inflateBlob(this.read(start, ref.size - 4 - headLen), this.path);
  }
}

/** Visit a message's fields up to end; a field the callback does not read is skipped. */
function eachField(p: Pbf, end: number, fn: (tag: number) => void): void {
  while (p.pos < end) {
    const val = p.readVarint();
    const start = p.pos;
    p.type = val & 7;
    fn(val >> 3);
    if (p.pos === start) p.skip(val);
  }
}

function readBlobHeader(buf: Buffer): { type: string; datasize: number } {
  const h = { type: '', datasize: -1 };
  const p = new Pbf(buf);
  eachField(p, buf.length, (tag) => {
    if (tag === 1) h.type = p.readString();
    else if (tag === 3) h.datasize = p.readVarint();
  });
  return h;
}

function inflateBlob(buf: Buffer, path: string): Buffer {
  const b: { raw: Buffer | null; zlib: Buffer | null; other: number } = { raw: null, zlib: null, other: 0 };
  const p = new Pbf(buf);
  eachField(p, buf.length, (tag) => {
    if (tag === 1) b.raw = bytesField(p);
    else if (tag === 3) b.zlib = bytesField(p);
    else if (tag >= 4) b.other = tag;
  });
  if (b.raw) return b.raw;
  if (b.zlib) return inflateSync(b.zlib);
  throw new RoutingError('BAD_EXTRACT', `${path}: unsupported blob compression (field ${b.other})`);
}

/** A bytes field as a view on the buffer (pbf's readBytes copies). */
function bytesField(p: Pbf): Buffer {
  const end = p.readVarint() + p.pos;
  const view = (p.buf as Buffer).subarray(p.pos, end);
  p.pos = end;
  return view;
}

/** Check an OSMHeader block's required features. */
export function checkHeader(data: Buffer, path: string): void {
  const required: string[] = [];
  const p = new Pbf(data);
  eachField(p, data.length, (tag) => {
    if (tag === 4) required.push(p.readString());
  });
  const missing = required.filter((f) => !SUPPORTED.has(f));
  if (missing.length > 0) throw new RoutingError('BAD_EXTRACT', `${path}: unsupported PBF feature(s): ${missing.join(', ')}`);
}

interface BlockFrame {
  strings: Buffer[];
  groups: [number, number][];
  granularity: number;
  latOffset: number;
  lonOffset: number;
}

/**
 * Decode one OSMData block into the visitor. Coordinates are computed as tiny-osmpbf (our former
 * reader) did, offset·1e-9 + value/granularity, so both give bit-identical doubles.
 */
export const HAS_NODES = 1;
export const HAS_WAYS = 2;
export const HAS_RELATIONS = 4;

/** Returns which kinds the block holds (HAS_* bits), whether or not the visitor took them. */
export function decodeBlock(data: Buffer, v: OsmVisitor): number {
  let kinds = 0;
  const pbf = new Pbf(data);
  // Granularity and offsets may follow the groups, so frame the block first.
  const f: BlockFrame = { strings: [], groups: [], granularity: 100, latOffset: 0, lonOffset: 0 };
  eachField(pbf, data.length, (tag) => {
    if (tag === 1) {
      const end = pbf.readVarint() + pbf.pos;
      eachField(pbf, end, (t) => {
        if (t === 1) f.strings.push(bytesField(pbf));
      });
    } else if (tag === 2) {
      const end = pbf.readVarint() + pbf.pos;
      f.groups.push([pbf.pos, end]);
      pbf.pos = end;
    } else if (tag === 17) f.granularity = pbf.readVarint();
    else if (tag === 19) f.latOffset = pbf.readVarint(true);
    else if (tag === 20) f.lonOffset = pbf.readVarint(true);
  });
  const gran = !f.granularity || f.granularity === 100 ? 1e7 : 1e9 / f.granularity;
  const latOff = f.latOffset * 1e-9;
  const lonOff = f.lonOffset * 1e-9;
  const strings = v.way || v.relation || v.taggedNode ? f.strings.map((s) => s.toString('utf8')) : [];
  for (const [start, end] of f.groups) {
    pbf.pos = start;
    while (pbf.pos < end) {
      const val = pbf.readVarint();
      const tag = val >> 3;
      const fieldEnd = tag <= 5 && (val & 7) === 2 ? pbf.readVarint() + pbf.pos : -1;
      if (fieldEnd < 0) {
        pbf.skip(val);
        continue;
      }
      kinds |= tag <= 2 ? HAS_NODES : tag === 3 ? HAS_WAYS : tag === 4 ? HAS_RELATIONS : 0;
      if (tag === 2 && (v.node || v.taggedNode)) decodeDense(pbf, fieldEnd, gran, latOff, lonOff, v, strings);
      else if (tag === 1 && (v.node || v.taggedNode)) decodeNode(pbf, fieldEnd, gran, latOff, lonOff, v, strings);
      else if (tag === 3 && v.way) decodeWay(pbf, fieldEnd, strings, v.way);
      else if (tag === 4 && v.relation) decodeRelation(pbf, fieldEnd, strings, v.relation);
      else if (tag === 5) throw new RoutingError('BAD_EXTRACT', 'unsupported PBF content: changesets');
      pbf.pos = fieldEnd;
    }
  }
  return kinds;
}

function packedEnd(p: Pbf): number {
  return p.readVarint() + p.pos;
}

function decodeDense(p: Pbf, end: number, gran: number, latOff: number, lonOff: number, v: OsmVisitor, strings: string[]): void {
  let ids: number[] = [], lats: number[] = [], lons: number[] = [];
  const keysVals: number[] = [];
  while (p.pos < end) {
    const val = p.readVarint();
    const tag = val >> 3;
    if ((val & 7) === 2 && (tag === 1 || tag === 8 || tag === 9)) {
      const e = packedEnd(p);
      const arr: number[] = [];
      while (p.pos < e) arr.push(p.readSVarint());
      if (tag === 1) ids = arr;
      else if (tag === 8) lats = arr;
      else lons = arr;
    } else if ((val & 7) === 2 && tag === 10 && v.taggedNode) {
      packedVarints(p, keysVals, false);
    } else {
      p.skip(val);
    }
  }
  if (ids.length !== lats.length || ids.length !== lons.length) throw new RoutingError('BAD_EXTRACT', 'dense nodes: id/lat/lon lengths differ');
  // keys_vals: for each node its key,value string indices, then a 0; absent when no node has tags.
  let kv = 0;
  let id = 0, lat = 0, lon = 0;
  for (let i = 0; i < ids.length; i++) {
    id += ids[i]!;
    lat += lats[i]!;
    lon += lons[i]!;
    const la = latOff + lat / gran, lo = lonOff + lon / gran;
    v.node?.(id, la, lo);
    if (kv < keysVals.length && keysVals[kv] !== 0) {
      const tags: Record<string, string> = {};
      while (kv + 1 < keysVals.length && keysVals[kv] !== 0) {
        tags[strings[keysVals[kv]!]!] = strings[keysVals[kv + 1]!]!;
        kv += 2;
      }
      v.taggedNode!(id, la, lo, tags);
    }
    kv++; // the 0 that ends this node's pairs
  }
}

function decodeNode(p: Pbf, end: number, gran: number, latOff: number, lonOff: number, v: OsmVisitor, strings: string[]): void {
  let id = 0, lat = 0, lon = 0;
  const keys: number[] = [], vals: number[] = [];
  while (p.pos < end) {
    const val = p.readVarint();
    const tag = val >> 3;
    const packed = (val & 7) === 2;
    if (tag === 1) id = p.readSVarint();
    else if (tag === 8) lat = p.readSVarint();
    else if (tag === 9) lon = p.readSVarint();
    else if (tag === 2 && packed && v.taggedNode) packedVarints(p, keys, false);
    else if (tag === 3 && packed && v.taggedNode) packedVarints(p, vals, false);
    else {
      p.skip(val);
    }
  }
  const la = latOff + lat / gran, lo = lonOff + lon / gran;
  v.node?.(id, la, lo);
  if (keys.length > 0) v.taggedNode?.(id, la, lo, readTags(keys, vals, strings));
}

function readTags(keys: number[], vals: number[], strings: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let i = 0; i < keys.length; i++) tags[strings[keys[i]!]!] = strings[vals[i]!]!;
  return tags;
}

function packedVarints(p: Pbf, out: number[], signed: boolean): void {
  const e = packedEnd(p);
  if (signed) while (p.pos < e) out.push(p.readSVarint());
  else while (p.pos < e) out.push(p.readVarint());
}

function decodeWay(p: Pbf, end: number, strings: string[], way: NonNullable<OsmVisitor['way']>): void {
  let id = 0;
  const keys: number[] = [], vals: number[] = [], deltas: number[] = [];
  while (p.pos < end) {
    const val = p.readVarint();
    const tag = val >> 3;
    const packed = (val & 7) === 2;
    if (tag === 1) id = p.readVarint(true);
    else if (tag === 2 && packed) packedVarints(p, keys, false);
    else if (tag === 3 && packed) packedVarints(p, vals, false);
    else if (tag === 8 && packed) packedVarints(p, deltas, true);
    else {
      p.skip(val);
    }
  }
  const refs = new Array<number>(deltas.length);
  let ref = 0;
  for (let i = 0; i < deltas.length; i++) refs[i] = ref += deltas[i]!;
  way(id, refs, readTags(keys, vals, strings));
}

const MEMBER_TYPES = ['node', 'way', 'relation'];

function decodeRelation(p: Pbf, end: number, strings: string[], relation: NonNullable<OsmVisitor['relation']>): void {
  let id = 0;
  const keys: number[] = [], vals: number[] = [], roles: number[] = [], memids: number[] = [], types: number[] = [];
  while (p.pos < end) {
    const val = p.readVarint();
    const tag = val >> 3;
    const packed = (val & 7) === 2;
    if (tag === 1) id = p.readVarint(true);
    else if (tag === 2 && packed) packedVarints(p, keys, false);
    else if (tag === 3 && packed) packedVarints(p, vals, false);
    else if (tag === 8 && packed) packedVarints(p, roles, false);
    else if (tag === 9 && packed) packedVarints(p, memids, true);
    else if (tag === 10 && packed) packedVarints(p, types, false);
    else {
      p.skip(val);
    }
  }
  let ref = 0;
  const members = memids.map((d, i) => ({ type: MEMBER_TYPES[types[i]!] ?? '', ref: (ref += d), role: strings[roles[i]!] ?? '' }));
  relation(id, members, readTags(keys, vals, strings));
}
