import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { haversineM } from '@rescue/common';
import { loadGraph } from '../load-graph';
import type { OsmMember, OsmRestriction } from '../osm/osm-visitor';
import { readRestriction } from '../osm/osm-visitor';
import { PbfWriter } from '../osm/pbf-writer';
import { scanExtract } from '../osm/stream-import';
import type { Tags } from '../profile';

/**
 * A province-size road network made of real extracts: copies of each source laid on a grid of cells
 * (each shifted whole, so its roads, names and turn restrictions stay real), neighbouring cells joined
 * by new two-way trunk roads between their facing main-network junctions, written as a real .osm.pbf.
 * Only the road part of a source is copied: highway ways, their nodes, turn restrictions.
 */

export interface ProvinceSource {
  path: string;
  copies: number;
}

export interface ProvinceOptions {
  sources: ProvinceSource[];
  /** Trunk roads per pair of neighbouring cells (one per band along their shared edge). */
  linksPerEdge?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface ProvinceFile {
  path: string;
  fromCache: boolean;
  copies: number;
  nodes: number;
  ways: number;
  links: number;
  bytes: number;
}

/** Bump when the output changes for the same inputs (cache names include it). */
const GENERATOR_VERSION = 1;
/** Spacing of the shape nodes of a joining trunk road. */
const LINK_NODE_SPACING_M = 2000;

interface Source {
  path: string;
  nodeId: Float64Array; // ascending
  lat7: Int32Array;
  lon7: Int32Array;
  ways: { id: number; refs: number[]; tags: Tags }[];
  restrictions: { id: number; members: OsmMember[]; tags: Tags }[];
  /** Junctions of the main network (largest strongly connected component): id, lat7, lon7. */
  main: { id: number; lat7: number; lon7: number }[];
  box: { minLat7: number; maxLat7: number; minLon7: number; maxLon7: number };
  maxId: number;
}

function readSource(path: string): Source {
  const ways: Source['ways'] = [];
  const restrictions: Source['restrictions'] = [];
  const wanted = new Set<number>();
  scanExtract(path, {
    way(id, refs, tags) {
      if (tags['highway'] === undefined || refs.length < 2) return;
      ways.push({ id, refs, tags });
      for (const r of refs) wanted.add(r);
    },
    relation(id, members, tags) {
      const r: OsmRestriction | 'skipped' | null = readRestriction(id, members, tags);
      if (r !== null && r !== 'skipped') restrictions.push({ id, members, tags });
    },
  });
  const coords = new Map<number, [number, number]>();
  scanExtract(path, {
    node(id, lat, lon) {
      if (wanted.has(id)) coords.set(id, [Math.round(lat * 1e7), Math.round(lon * 1e7)]);
    },
  });
  const ids = [...coords.keys()].sort((a, b) => a - b);
  const lat7 = Int32Array.from(ids, (id) => coords.get(id)![0]);
  const lon7 = Int32Array.from(ids, (id) => coords.get(id)![1]);
  // Ways keep their references to nodes the extract lacks: the importer cuts them there, as in the source.
  const kept = ways.sort((a, b) => a.id - b.id);
  restrictions.sort((a, b) => a.id - b.id);
  const g = loadGraph(path, { cacheDir: null, contract: false }).graph;
  const main: Source['main'] = [];
  for (let v = 0; v < g.vertexCount; v++) {
    if (g.vComp[v] === 0) main.push({ id: g.vOsmId[v]!, lat7: Math.round(g.vLat[v]! * 1e7), lon7: Math.round(g.vLon[v]! * 1e7) });
  }
  const box = { minLat7: Infinity, maxLat7: -Infinity, minLon7: Infinity, maxLon7: -Infinity };
  for (let i = 0; i < ids.length; i++) {
    box.minLat7 = Math.min(box.minLat7, lat7[i]!);
    box.maxLat7 = Math.max(box.maxLat7, lat7[i]!);
    box.minLon7 = Math.min(box.minLon7, lon7[i]!);
    box.maxLon7 = Math.max(box.maxLon7, lon7[i]!);
  }
  let maxId = ids[ids.length - 1] ?? 0;
  for (const w of kept) for (const r of w.refs) maxId = Math.max(maxId, r, w.id);
  for (const r of restrictions) maxId = Math.max(maxId, r.id);
  return { path, nodeId: Float64Array.from(ids), lat7, lon7, ways: kept, restrictions, main, box, maxId };
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * The generated file for these sources, from the cache directory when it is there (the name holds a
 * hash of the sources' contents, copies and generator version), else generated into it.
 */
export function provinceNetwork(cacheDir: string, opts: ProvinceOptions): ProvinceFile {
  const linksPerEdge = opts.linksPerEdge ?? 3;
  const key = createHash('sha256')
    .update(JSON.stringify({ v: GENERATOR_VERSION, linksPerEdge, s: opts.sources.map((s) => [sha256File(s.path), s.copies]) }))
    .digest('hex')
    .slice(0, 12);
  const copies = opts.sources.reduce((n, s) => n + s.copies, 0);
  const name = `province-${copies}x-${key}.osm.pbf`;
  const path = join(cacheDir, name);
  const statsPath = `${path}.json`;
  if (existsSync(path) && existsSync(statsPath)) {
    return { ...(JSON.parse(readFileSync(statsPath, 'utf8')) as Omit<ProvinceFile, 'path' | 'fromCache'>), path, fromCache: true };
  }
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const stats = writeProvince(tmp, opts.sources, linksPerEdge, opts.onProgress);
    renameSync(tmp, path);
    writeFileSync(statsPath, JSON.stringify(stats));
    return { ...stats, path, fromCache: false };
  } finally {
    rmSync(tmp, { force: true });
  }
}

interface Placed {
  src: Source;
  idBase: number;
  dLat7: number;
  dLon7: number;
  row: number;
  col: number;
}

function writeProvince(out: string, sources: ProvinceSource[], linksPerEdge: number, onProgress?: ProvinceOptions['onProgress']): Omit<ProvinceFile, 'path' | 'fromCache'> {
  const read = new Map<string, Source>();
  for (const s of sources) if (!read.has(s.path)) read.set(s.path, readSource(s.path));
  const list = sources.flatMap((s) => Array.from({ length: s.copies }, () => read.get(s.path)!));
  const n = list.length;
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  // Cells as large as the largest source; the grid is centred on the first source's place.
  const cellH = Math.max(...list.map((s) => s.box.maxLat7 - s.box.minLat7));
  const cellW = Math.max(...list.map((s) => s.box.maxLon7 - s.box.minLon7));
  const first = list[0]!.box;
  const lat0 = Math.round((first.minLat7 + first.maxLat7) / 2 - ((rows - 1) / 2) * cellH);
  const lon0 = Math.round((first.minLon7 + first.maxLon7) / 2 - ((cols - 1) / 2) * cellW);
  // Copy k's ids are its source's plus (k+1)·stride; joining roads take the range after the last copy.
  const stride = 10 ** Math.ceil(Math.log10(Math.max(...list.map((s) => s.maxId)) + 1));
  const placed: Placed[] = list.map((src, k) => {
    const row = Math.floor(k / cols), col = k % cols;
    const cLat = lat0 + row * cellH, cLon = lon0 + col * cellW;
    return {
      src,
      idBase: (k + 1) * stride,
      dLat7: Math.round(cLat - (src.box.minLat7 + src.box.maxLat7) / 2),
      dLon7: Math.round(cLon - (src.box.minLon7 + src.box.maxLon7) / 2),
      row,
      col,
    };
  });
  const linkBase = (n + 1) * stride;
  const links = planLinks(placed, cols, linksPerEdge, linkBase);

  const minLat = (lat0 - cellH / 2) / 1e7, maxLat = (lat0 + (rows - 0.5) * cellH) / 1e7;
  const minLon = (lon0 - cellW / 2) / 1e7, maxLon = (lon0 + (cols - 0.5) * cellW) / 1e7;
  const w = new PbfWriter(out, { minLon, minLat, maxLon, maxLat });
  const steps = 2 * n + 2;
  let step = 0;
  for (const p of placed) {
    const s = p.src;
    for (let i = 0; i < s.nodeId.length; i++) w.node(s.nodeId[i]! + p.idBase, s.lat7[i]! + p.dLat7, s.lon7[i]! + p.dLon7);
    onProgress?.('nodes', ++step, steps);
  }
  for (const l of links) for (const m of l.mid) w.node(m.id, m.lat7, m.lon7);
  onProgress?.('nodes', ++step, steps);
  for (const p of placed) {
    for (const way of p.src.ways) w.way(way.id + p.idBase, way.refs.map((r) => r + p.idBase), way.tags);
    onProgress?.('ways', ++step, steps);
  }
  for (const l of links) w.way(l.wayId, [l.from, ...l.mid.map((m) => m.id), l.to], l.tags);
  onProgress?.('ways', ++step, steps);
  for (const p of placed) {
    for (const r of p.src.restrictions) w.relation(r.id + p.idBase, r.members.map((m) => ({ ...m, ref: m.ref + p.idBase })), r.tags);
  }
  w.close();
  return { copies: n, nodes: w.counts.nodes, ways: w.counts.ways, links: links.length, bytes: statSync(out).size };
}

interface Link {
  wayId: number;
  from: number;
  to: number;
  mid: { id: number; lat7: number; lon7: number }[];
  tags: Tags;
}

/**
 * Joining trunk roads: for each pair of neighbouring cells and each band along their shared edge,
 * the main-network junction of each copy nearest that edge, joined in a straight line.
 */
function planLinks(placed: Placed[], cols: number, perEdge: number, idBase: number): Link[] {
  const links: Link[] = [];
  let nextId = idBase;
  const at = new Map(placed.map((p) => [`${p.row},${p.col}`, p]));
  const shifted = (p: Placed): { id: number; lat7: number; lon7: number }[] =>
    p.src.main.map((j) => ({ id: j.id + p.idBase, lat7: j.lat7 + p.dLat7, lon7: j.lon7 + p.dLon7 }));
  const mains = new Map(placed.map((p) => [p, shifted(p)]));
  for (const a of placed) {
    for (const [dr, dc] of [[0, 1], [1, 0]] as const) {
      const b = at.get(`${a.row + dr},${a.col + dc}`);
      if (!b) continue;
      const horizontal = dc === 1; // b east of a; else b north of a
      const ja = mains.get(a)!, jb = mains.get(b)!;
      // Bands along the shared edge, over the overlap of both copies' extents.
      const along = (j: { lat7: number; lon7: number }): number => (horizontal ? j.lat7 : j.lon7);
      const across = (j: { lat7: number; lon7: number }): number => (horizontal ? j.lon7 : j.lat7);
      const [aLo, aHi] = range(ja.map(along)), [bLo, bHi] = range(jb.map(along));
      const lo = Math.max(aLo, bLo), hi = Math.min(aHi, bHi);
      if (!(hi > lo)) continue;
      for (let k = 0; k < perEdge; k++) {
        const b0 = lo + ((hi - lo) * k) / perEdge, b1 = lo + ((hi - lo) * (k + 1)) / perEdge;
        const inBand = (j: { lat7: number; lon7: number }): boolean => along(j) >= b0 && along(j) < b1;
        const fa = best(ja.filter(inBand), (j) => across(j)); // furthest towards b
        const fb = best(jb.filter(inBand), (j) => -across(j)); // furthest towards a
        if (!fa || !fb) continue;
        const len = haversineM(fa.lat7 / 1e7, fa.lon7 / 1e7, fb.lat7 / 1e7, fb.lon7 / 1e7);
        const pieces = Math.max(1, Math.round(len / LINK_NODE_SPACING_M));
        const mid = Array.from({ length: pieces - 1 }, (_, i) => {
          const t = (i + 1) / pieces;
          return { id: nextId++, lat7: Math.round(fa.lat7 + t * (fb.lat7 - fa.lat7)), lon7: Math.round(fa.lon7 + t * (fb.lon7 - fa.lon7)) };
        });
        links.push({ wayId: nextId++, from: fa.id, to: fb.id, mid, tags: { highway: 'trunk', name: `联络线 ${links.length + 1}`, note: 'generated: joins two copies of real extracts' } });
      }
    }
  }
  return links;
}

function range(xs: number[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

function best<T>(xs: T[], score: (x: T) => number): T | undefined {
  let b: T | undefined;
  let s = -Infinity;
  for (const x of xs) {
    const v = score(x);
    if (v > s) [b, s] = [x, v];
  }
  return b;
}

/** Default recipe: ≥ 2,000,000 junctions from the Anhui tile, with Andorra and Monaco copied in as two more cells. */
export function defaultProvinceSources(dataDir = 'data/osm', anhuiCopies = 47): ProvinceSource[] {
  return [
    { path: join(dataDir, 'anhui-north-2017.osm.pbf'), copies: anhuiCopies },
    { path: join(dataDir, 'andorra.osm.pbf'), copies: 1 },
    { path: join(dataDir, 'monaco.osm.pbf'), copies: 1 },
  ];
}

export const provinceFileLabel = (p: ProvinceFile): string => `${basename(p.path)} (${p.copies} copies, ${p.nodes} nodes, ${p.ways} ways, ${p.links} joining roads, ${(p.bytes / 1e6).toFixed(1)} MB)`;
