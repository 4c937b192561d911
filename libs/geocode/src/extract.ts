import { scanExtract, type OsmMember, type Tags } from '@rescue/routing';
import { addressOf, namesOf } from './names';
import { type FeatureKind, kindOf } from './kinds';

/** One searchable place of the extract. Coordinates WGS-84 as OSM stores them. */
export interface GeoFeature {
  /** OSM element: n123, w456 or r789 (a road: its first way). */
  id: string;
  /** Shown name: `name` (Chinese in China), else another name, else the address. */
  name: string;
  /** Every name, main first (name:zh, name:en, alt_name, old_name, ref of a road…). */
  names: string[];
  kind: FeatureKind;
  category: string;
  lat: number;
  lon: number;
  address?: string;
  /** Where it is, big to small (淮南市 田家庵区 龙泉): the nearest city, district and town, to tell apart places of one name. */
  context?: string;
}

/** A named road as a polyline, for the nearest-road lookup. */
export interface NamedRoad {
  wayId: number;
  name: string;
  /** lat0, lon0, lat1, lon1, … of its nodes found in the extract. */
  coords: Float64Array;
}

export interface ExtractPlaces {
  features: GeoFeature[];
  roads: NamedRoad[];
  stats: { nodesWithTags: number; waysKept: number; relationsKept: number; roadWays: number };
}

export type ExtractProgress = (phase: 'relations' | 'ways' | 'nodes', done: number, total: number) => void;

/** Sorted distinct ids with their coordinates once the node pass has run. */
class NodeTable {
  private pending: number[] = [];
  private ids = new Float64Array(0);
  lat = new Float64Array(0);
  lon = new Float64Array(0);

  want(id: number): void {
    this.pending.push(id);
  }

  seal(): void {
    const a = Float64Array.from(this.pending).sort();
    let u = 0;
    for (let k = 0; k < a.length; k++) if (k === 0 || a[k] !== a[u - 1]) a[u++] = a[k]!;
    this.ids = a.slice(0, u);
    this.lat = new Float64Array(u).fill(Number.NaN);
    this.lon = new Float64Array(u).fill(Number.NaN);
    this.pending = [];
  }

  slot(id: number): number {
    let lo = 0, hi = this.ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.ids[mid]!;
      if (v < id) lo = mid + 1;
      else if (v > id) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  set(id: number, lat: number, lon: number): void {
    const s = this.slot(id);
    if (s >= 0) {
      this.lat[s] = lat;
      this.lon[s] = lon;
    }
  }

  /** [lat, lon] of a node, or null if the extract lacks it (a way cut by the extract's edge). */
  get(id: number): [number, number] | null {
    const s = this.slot(id);
    return s >= 0 && !Number.isNaN(this.lat[s]!) ? [this.lat[s]!, this.lon[s]!] : null;
  }
}

interface WayRec {
  id: number;
  refs: number[];
  tags: Tags;
}

interface RelRec {
  id: number;
  tags: Tags;
  outer: number[];
  label: number | null;
}

function labelled(names: string[], tags: Tags): { name: string; address: string | null } | null {
  const address = addressOf(tags);
  const name = names[0] ?? (address !== null && tags['addr:housenumber'] !== undefined ? address : null);
  return name === null ? null : { name, address };
}

/** The kind, where a feature known only by its address (a house, a plain building) is an address. */
function kindWithAddress(tags: Tags, isWay: boolean, names: string[]): { kind: FeatureKind; category: string } | null {
  const k = kindOf(tags, isWay);
  return k && k.kind === 'poi' && names.length === 0 ? { kind: 'address', category: k.category } : k;
}

/**
 * Named places of an extract in three passes over the file (relations, then the ways they and the
 * named features need, then nodes), reusing the road importer's block reader. Memory is the named
 * features and their ways' nodes, not the extract.
 */
export function readPlaces(path: string, onProgress?: ExtractProgress): ExtractPlaces {
  const passes = placePasses(path, onProgress);
  for (;;) {
    const r = passes.next();
    if (r.done) return r.value;
  }
}

/** readPlaces letting the event loop run between its passes (a server keeps serving while it builds). */
export async function readPlacesAsync(path: string, onProgress?: ExtractProgress): Promise<ExtractPlaces> {
  const passes = placePasses(path, onProgress);
  for (;;) {
    const r = passes.next();
    if (r.done) return r.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function* placePasses(path: string, onProgress?: ExtractProgress): Generator<void, ExtractPlaces> {
  const rels: RelRec[] = [];
  const memberWays = new Set<number>();
  scanExtract(path, {
    relation(id: number, members: OsmMember[], tags: Tags) {
      const t = tags['type'];
      if (t !== 'multipolygon' && t !== 'boundary') return;
      if (namesOf(tags).length === 0 || kindOf(tags, false) === null) return;
      const outer = members.filter((m) => m.type === 'way' && m.role !== 'inner').map((m) => m.ref);
      const label = members.find((m) => m.type === 'node' && (m.role === 'label' || m.role === 'admin_centre'))?.ref ?? null;
      rels.push({ id, tags, outer, label });
      if (label === null) for (const w of outer) memberWays.add(w);
    },
  }, onProgress && ((d, t) => onProgress('relations', d, t)));
  yield;

  const nodes = new NodeTable();
  for (const r of rels) if (r.label !== null) nodes.want(r.label);
  const ways: WayRec[] = [];
  const memberRefs = new Map<number, number[]>();
  scanExtract(path, {
    way(id: number, refs: number[], tags: Tags) {
      const isMember = memberWays.has(id);
      const named = namesOf(tags).length > 0 || tags['addr:housenumber'] !== undefined || (tags['highway'] !== undefined && tags['ref'] !== undefined);
      if (!named && !isMember) return;
      if (named && kindOf(tags, true) !== null) ways.push({ id, refs, tags });
      if (isMember) memberRefs.set(id, refs);
      for (const r of refs) nodes.want(r);
    },
  }, onProgress && ((d, t) => onProgress('ways', d, t)));
  nodes.seal();
  yield;

  const features: GeoFeature[] = [];
  let nodesWithTags = 0;
  scanExtract(path, {
    node(id: number, lat: number, lon: number) {
      nodes.set(id, lat, lon);
    },
    taggedNode(id: number, lat: number, lon: number, tags: Tags) {
      nodesWithTags++;
      const names = namesOf(tags);
      const l = labelled(names, tags);
      const k = l && kindWithAddress(tags, false, names);
      if (!l || !k) return;
      features.push({ id: `n${id}`, name: l.name, names: names.length > 0 ? names : [l.name], ...k, lat, lon, ...(l.address ? { address: l.address } : {}) });
    },
  }, onProgress && ((d, t) => onProgress('nodes', d, t)));
  yield;

  const roads: NamedRoad[] = [];
  const roadWays: WayRec[] = [];
  const lines: LineWay[] = [];
  for (const w of ways) {
    const k = kindWithAddress(w.tags, true, namesOf(w.tags))!;
    if (k.kind === 'road') {
      roadWays.push(w);
      lines.push({ ...w, ...k });
      continue;
    }
    // A railway or a river is drawn as dozens of ways of one name: grouped like roads.
    if ((w.tags['railway'] !== undefined || w.tags['waterway'] !== undefined) && w.refs[0] !== w.refs[w.refs.length - 1]) {
      lines.push({ ...w, ...k });
      continue;
    }
    const names = namesOf(w.tags);
    const l = labelled(names, w.tags);
    const at = l && placeOfWay(w.refs, nodes);
    if (!l || !at) continue;
    features.push({ id: `w${w.id}`, name: l.name, names: names.length > 0 ? names : [l.name], ...k, lat: at[0], lon: at[1], ...(l.address ? { address: l.address } : {}) });
  }
  for (const w of roadWays) {
    const name = namesOf(w.tags)[0] ?? w.tags['ref']!;
    const coords: number[] = [];
    for (const r of w.refs) {
      const p = nodes.get(r);
      if (p) coords.push(p[0], p[1]);
    }
    if (coords.length >= 2) roads.push({ wayId: w.id, name, coords: Float64Array.from(coords) });
  }
  features.push(...lineFeatures(lines, nodes));

  for (const r of rels) {
    const names = namesOf(r.tags);
    const k = kindOf(r.tags, false)!;
    let at: [number, number] | null = r.label !== null ? nodes.get(r.label) : null;
    if (!at) {
      const refs = r.outer.flatMap((w) => memberRefs.get(w) ?? []);
      at = placeOfWay(refs, nodes);
    }
    if (!at) continue;
    const address = addressOf(r.tags);
    features.push({ id: `r${r.id}`, name: names[0]!, names, ...k, lat: at[0], lon: at[1], ...(address ? { address } : {}) });
  }
  addContext(features);
  return { features, roads, stats: { nodesWithTags, waysKept: ways.length, relationsKept: rels.length, roadWays: roadWays.length } };
}

const CITY_M = 50_000, DISTRICT_M = 30_000, TOWN_M = 8_000;

/**
 * Each feature's context: the nearest city (a Chinese prefecture city, 市), district or county
 * (区/县: tagged place=city too) and town, each within reach. Six towns are called 城关镇 and 24 banks
 * 固始农商行: the context is what tells the dispatcher which, and what a query "淮南 朝阳路" matches.
 */
function addContext(features: GeoFeature[]): void {
  const cities = features.filter((f) => f.kind === 'city');
  const prefectures = cities.filter((f) => /市$/.test(f.name));
  const districts = cities.filter((f) => /[区县]$/.test(f.name));
  const towns = features.filter((f) => f.kind === 'town');
  const bigCities = prefectures.length > 0 ? prefectures : cities.filter((f) => !districts.includes(f));
  const nearest = (f: GeoFeature, among: GeoFeature[], maxM: number): GeoFeature | null => {
    const k = Math.cos((f.lat * Math.PI) / 180);
    let best: GeoFeature | null = null, bestD = (maxM / 111_195) ** 2;
    for (const c of among) {
      const d = (c.lat - f.lat) ** 2 + ((c.lon - f.lon) * k) ** 2;
      if (d < bestD) [best, bestD] = [c, d];
    }
    return best;
  };
  for (const f of features) {
    const parts: string[] = [];
    for (const [among, maxM] of [[bigCities, CITY_M], [districts, DISTRICT_M], [towns, TOWN_M]] as const) {
      const c = nearest(f, among, maxM);
      if (c && c !== f && !f.name.includes(c.name) && !parts.includes(c.name)) parts.push(c.name);
    }
    if (parts.length > 0) f.context = parts.join(' ');
  }
}

/** A way's place: the mean of its nodes found in the extract (an area's centroid, near enough for a building or a campus). */
function placeOfWay(refs: number[], nodes: NodeTable): [number, number] | null {
  let n = 0, lat = 0, lon = 0;
  const seen = new Set<number>();
  for (const r of refs) {
    if (seen.has(r)) continue;
    seen.add(r);
    const p = nodes.get(r);
    if (!p) continue;
    n++;
    lat += p[0];
    lon += p[1];
  }
  return n === 0 ? null : [lat / n, lon / n];
}

/** Distance below which two pieces of a road of one name are the same road. */
const JOIN_M = 1000;
type Box = [number, number, number, number] | null;

function boxOf(refs: number[], nodes: NodeTable): Box {
  let b: Box = null;
  for (const r of refs) {
    const p = nodes.get(r);
    if (!p) continue;
    if (!b) b = [p[0], p[1], p[0], p[1]];
    else b = [Math.min(b[0], p[0]), Math.min(b[1], p[1]), Math.max(b[2], p[0]), Math.max(b[3], p[1])];
  }
  return b;
}

function boxesNear(a: Box, b: Box): boolean {
  if (!a || !b) return false;
  const padLat = JOIN_M / 111_195, padLon = padLat / Math.cos((a[0] * Math.PI) / 180);
  return a[0] - padLat <= b[2] && b[0] - padLat <= a[2] && a[1] - padLon <= b[3] && b[1] - padLon <= a[3];
}

type LineWay = WayRec & { kind: FeatureKind; category: string };

/**
 * One feature per road (or railway, river), not per OSM way: a street is drawn as many ways (split
 * at every bridge or change of lanes). Ways of the same name and kind that share a node are one road;
 * the same name in another town is another road. Its place is its node nearest to the middle of its
 * nodes, so it lies on it.
 */
function lineFeatures(lineWays: LineWay[], nodes: NodeTable): GeoFeature[] {
  const byName = new Map<string, LineWay[]>();
  for (const w of lineWays) {
    const key = `${w.kind} ${namesOf(w.tags)[0] ?? w.tags['ref']!}`;
    const list = byName.get(key);
    if (list) list.push(w);
    else byName.set(key, [w]);
  }
  const out: GeoFeature[] = [];
  for (const list of byName.values()) {
    const name = namesOf(list[0]!.tags)[0] ?? list[0]!.tags['ref']!;
    // Union-find over the ways of one name, joined by shared nodes.
    const parent = list.map((_, i) => i);
    const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
    const wayOfNode = new Map<number, number>();
    list.forEach((w, i) => {
      for (const r of w.refs) {
        const j = wayOfNode.get(r);
        if (j === undefined) wayOfNode.set(r, i);
        else parent[root(i)] = root(j);
      }
    });
    // Pieces that do not touch (the two carriageways of a dual road, a gap where the mapper stopped)
    // are still one road when their boxes come within JOIN_M.
    const boxes = list.map((w) => boxOf(w.refs, nodes));
    for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) {
      if (root(i) !== root(j) && boxesNear(boxes[i]!, boxes[j]!)) parent[root(i)] = root(j);
    }
    const groups = new Map<number, LineWay[]>();
    list.forEach((w, i) => {
      const g = groups.get(root(i));
      if (g) g.push(w);
      else groups.set(root(i), [w]);
    });
    for (const g of groups.values()) {
      const pts: [number, number][] = [];
      for (const w of g) for (const r of w.refs) {
        const p = nodes.get(r);
        if (p) pts.push(p);
      }
      if (pts.length === 0) continue;
      const mLat = pts.reduce((s, p) => s + p[0], 0) / pts.length;
      const mLon = pts.reduce((s, p) => s + p[1], 0) / pts.length;
      let best = pts[0]!, bestD = Infinity;
      for (const p of pts) {
        const d = (p[0] - mLat) ** 2 + (p[1] - mLon) ** 2;
        if (d < bestD) {
          bestD = d;
          best = p;
        }
      }
      const first = g.reduce((a, b) => (a.id < b.id ? a : b));
      const names: string[] = [name];
      for (const w of g) for (const n of namesOf(w.tags)) if (!names.includes(n)) names.push(n);
      // Route numbers (G3, S101) are how roads outside towns are called.
      for (const w of g) for (const r of (w.tags['ref'] ?? '').split(';').map((s) => s.trim())) if (r && !names.includes(r)) names.push(r);
      out.push({ id: `w${first.id}`, name, names, kind: first.kind, category: first.category, lat: best[0], lon: best[1] });
    }
  }
  return out;
}
