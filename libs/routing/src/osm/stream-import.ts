import { statSync } from 'node:fs';
import { RoutingError } from '../errors';
import { type SpeedProfile, type Tags, wayRule } from '../profile';
import type { Clip } from './clip';
import { type OsmMember, type OsmRestriction, type OsmVisitor, readRestriction } from './osm-visitor';
import { type BlobRef, checkHeader, decodeBlock, HAS_NODES, PbfFile } from './pbf-blocks';
import { formatOf } from './read-osm';
import { type RoadInput, RuleTable } from './road-input';
import { scanXmlFile } from './xml-scan';

export interface StreamImportOptions {
  clip?: Clip;
  /** Called as the passes go: phase 'read ways' then 'read nodes', done/total in bytes. */
  onProgress?: (phase: string, done: number, total: number) => void;
}

/** A typed array that grows by doubling (a JS number[] of millions costs more and copies the same). */
class Grow<T extends Float64Array | Int32Array> {
  private a: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) {
    this.a = make(1024);
  }
  push(x: number): void {
    if (this.length === this.a.length) {
      const b = this.make(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = x;
  }
  /** The filled part (a view: the builder hands it on and drops the Grow). */
  view(): T {
    return this.a.subarray(0, this.length) as T;
  }
}

const f64 = (n: number): Float64Array => new Float64Array(n);
const i32 = (n: number): Int32Array => new Int32Array(n);

/** Index of x in sorted a, or -1. */
function find(a: Float64Array, x: number): number {
  let lo = 0, hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = a[mid]!;
    if (v < x) lo = mid + 1;
    else if (v > x) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/**
 * Read an extract in two passes without holding it: first the ways and relations (keeping the
 * drivable ways' node ids), then the nodes, keeping coordinates only for the nodes those ways use.
 * Memory is the road network itself: ~8 bytes per way node plus ~28 per road node, not the file.
 * The result equals roadInputFromOsm on the same file read whole (same nodes, order and values).
 */
export function importRoads(path: string, profile: SpeedProfile, opts: StreamImportOptions = {}): RoadInput {
  const format = formatOf(path);
  const pbf = format === 'pbf' ? new PbfFile(path) : null;
  try {
    const blobs = pbf ? pbf.blobs() : [];
    if (pbf) checkHeader(pbf.data(blobs[0]!), path);
    const pass = (phase: string, refs: BlobRef[], v: OsmVisitor): number[] => scanPass(path, pbf, refs, v, phase, opts.onProgress);

    // Pass 1: drivable ways (ids of their nodes) and turn restrictions.
    const table = new RuleTable();
    const wayIds = new Grow(f64), wayRules = new Grow(i32), refStart = new Grow(i32), refIds = new Grow(f64);
    refStart.push(0);
    const restrictions: OsmRestriction[] = [];
    let highwayWays = 0, skippedRestrictions = 0;
    const dataBlobs = blobs.filter((b) => b.type === 'OSMData');
    const kinds = pass('read ways', dataBlobs, {
      way(id: number, refs: number[], tags: Tags) {
        if (tags['highway'] === undefined || refs.length < 2) return;
        highwayWays++;
        const rule = wayRule(tags, profile);
        if (rule === null) return;
        wayIds.push(id);
        wayRules.push(table.idOf(rule));
        for (const r of refs) refIds.push(r);
        refStart.push(refIds.length);
      },
      relation(id: number, members: OsmMember[], tags: Tags) {
        const r = readRestriction(id, members, tags);
        if (r === 'skipped') skippedRestrictions++;
        else if (r !== null) restrictions.push(r);
      },
    });

    // The road nodes: sorted distinct ids, so a node is found by binary search.
    const ids = Float64Array.from(refIds.view()).sort();
    let u = 0;
    for (let k = 0; k < ids.length; k++) if (k === 0 || ids[k] !== ids[u - 1]) ids[u++] = ids[k]!;
    const roadIds = ids.subarray(0, u);

    // Pass 2: coordinates of road nodes only, with the order in which the extract lists them.
    const lat = new Float64Array(u), lon = new Float64Array(u);
    const seenAt = new Int32Array(u).fill(-1);
    let osmNodes = 0, seen = 0;
    const clip = opts.clip;
    const nodeBlobs = pbf ? dataBlobs.filter((_, i) => (kinds[i]! & HAS_NODES) !== 0) : [];
    pass('read nodes', nodeBlobs, {
      node(id: number, la: number, lo: number) {
        osmNodes++;
        const s = find(roadIds, id);
        if (s < 0 || (clip && !clip.contains(la, lo))) return;
        lat[s] = la;
        lon[s] = lo;
        seenAt[s] = seen++; // a repeated id keeps its last place, as a Map-indexed store would
      },
    });

    // Final node index: extract order among the road nodes found.
    const slotAt = new Int32Array(seen).fill(-1);
    for (let s = 0; s < u; s++) if (seenAt[s]! >= 0) slotAt[seenAt[s]!] = s;
    const indexOf = new Int32Array(u).fill(-1);
    let n = 0;
    for (let k = 0; k < seen; k++) if (slotAt[k]! >= 0) indexOf[slotAt[k]!] = n++;
    const nodeLat = new Float64Array(n), nodeLon = new Float64Array(n), nodeOsmId = new Float64Array(n);
    for (let s = 0; s < u; s++) {
      const i = indexOf[s]!;
      if (i < 0) continue;
      nodeLat[i] = lat[s]!;
      nodeLon[i] = lon[s]!;
      nodeOsmId[i] = roadIds[s]!;
    }
    const refView = refIds.view();
    const refNode = new Int32Array(refView.length);
    for (let k = 0; k < refView.length; k++) refNode[k] = indexOf[find(roadIds, refView[k]!)]!;
    for (const r of restrictions) {
      const s = find(roadIds, r.viaNode);
      r.viaNode = s >= 0 ? indexOf[s]! : -1;
    }
    if (osmNodes === 0 && highwayWays === 0) throw new RoutingError('BAD_EXTRACT', `${path}: no nodes and no ways`);
    return {
      osmNodes,
      highwayWays,
      nodeCount: n,
      nodeLat,
      nodeLon,
      nodeOsmId,
      wayCount: wayIds.length,
      wayId: wayIds.view().slice(),
      wayRule: wayRules.view().slice(),
      rules: table.rules,
      refStart: refStart.view().slice(),
      refNode,
      restrictions,
      skippedRestrictions,
    };
  } finally {
    pbf?.close();
  }
}

/**
 * One pass over an extract into a visitor: the given blobs of a .osm.pbf, or the whole XML file.
 * Returns each blob's HAS_* kinds (empty for XML). Progress counts bytes read.
 */
export function scanPass(path: string, pbf: PbfFile | null, refs: BlobRef[], v: OsmVisitor, phase: string, onProgress?: StreamImportOptions['onProgress']): number[] {
  const kinds: number[] = [];
  if (pbf) {
    const total = refs.reduce((s, b) => s + b.size, 0);
    let done = 0;
    onProgress?.(phase, 0, total);
    for (const b of refs) {
      kinds.push(decodeBlock(pbf.data(b), v));
      done += b.size;
      onProgress?.(phase, done, total);
    }
  } else {
    const total = xmlSize(path);
    onProgress?.(phase, 0, total);
    scanXmlFile(path, v, (done) => onProgress?.(phase, done, total));
  }
  return kinds;
}

/** Every element of an extract (.osm.pbf or .osm) in one pass, in file order; progress in bytes read. */
export function scanExtract(path: string, v: OsmVisitor, onProgress?: (done: number, total: number) => void): void {
  const pbf = formatOf(path) === 'pbf' ? new PbfFile(path) : null;
  try {
    const blobs = pbf ? pbf.blobs() : [];
    if (pbf) checkHeader(pbf.data(blobs[0]!), path);
    scanPass(path, pbf, blobs.filter((b) => b.type === 'OSMData'), v, 'read', onProgress && ((_, done, total) => onProgress(done, total)));
  } finally {
    pbf?.close();
  }
}

function xmlSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (e) {
    throw new RoutingError('BAD_EXTRACT', `cannot read ${path}: ${(e as Error).message}`);
  }
}
