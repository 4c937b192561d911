import { readFileSync } from 'node:fs';
import { SAXParser } from 'sax';
import tinyosmpbf from 'tiny-osmpbf';
import { haversineM } from '@rescue/common';
import { CoverageError } from '../errors';

/** A tagged EMS place: where stations are put when the planner gives none. */
export interface ExtractPoi {
  osmId: string;
  kind: 'hospital' | 'ambulance_station';
  name: string;
  lat: number;
  lon: number;
}

/** Residential street piece: its midpoint and length, for density and demand grids. */
export interface RoadPiece {
  lat: number;
  lon: number;
  lengthM: number;
}

/**
 * What coverage reads from an extract besides the road graph (libs/routing keeps highway ways
 * only): EMS places, building centroids, residential street lengths, places with a population.
 */
export interface ExtractFeatures {
  pois: ExtractPoi[];
  buildings: Array<{ lat: number; lon: number }>;
  residentialRoads: RoadPiece[];
  places: Array<{ name: string; lat: number; lon: number; population: number }>;
}

/** Streets where people live; the fallback demand and density weigh by their length. */
export const RESIDENTIAL_HIGHWAYS = new Set(['residential', 'living_street']);

type Tags = Record<string, string>;

class Collector {
  private readonly nodes = new Map<number, [number, number]>();
  readonly out: ExtractFeatures = { pois: [], buildings: [], residentialRoads: [], places: [] };

  node(id: number, lat: number, lon: number, tags: Tags): void {
    this.nodes.set(id, [lat, lon]);
    this.tagged(`node/${id}`, lat, lon, tags);
    if (tags['building'] !== undefined) this.out.buildings.push({ lat, lon });
    const pop = Number(tags['population']);
    if (tags['place'] !== undefined && Number.isFinite(pop) && pop > 0) this.out.places.push({ name: tags['name'] ?? tags['place']!, lat, lon, population: pop });
  }

  way(id: number, refs: number[], tags: Tags): void {
    const pts = refs.map((r) => this.nodes.get(r)).filter((p): p is [number, number] => p !== undefined);
    if (pts.length === 0) return;
    const hw = tags['highway'];
    if (hw !== undefined && RESIDENTIAL_HIGHWAYS.has(hw)) {
      for (let i = 1; i < pts.length; i++) {
        const [a, b] = [pts[i - 1]!, pts[i]!];
        this.out.residentialRoads.push({ lat: (a[0] + b[0]) / 2, lon: (a[1] + b[1]) / 2, lengthM: haversineM(a[0], a[1], b[0], b[1]) });
      }
    }
    const isPoi = tags['building'] !== undefined || tags['amenity'] === 'hospital' || tags['emergency'] === 'ambulance_station';
    if (!isPoi) return;
    // Centroid of the outline's vertices: close enough for a building or a hospital campus.
    const ring = pts.length > 1 && pts[0]![0] === pts[pts.length - 1]![0] && pts[0]![1] === pts[pts.length - 1]![1] ? pts.slice(1) : pts;
    const lat = ring.reduce((s, p) => s + p[0], 0) / ring.length;
    const lon = ring.reduce((s, p) => s + p[1], 0) / ring.length;
    if (tags['building'] !== undefined) this.out.buildings.push({ lat, lon });
    this.tagged(`way/${id}`, lat, lon, tags);
  }

  private tagged(osmId: string, lat: number, lon: number, tags: Tags): void {
    const kind = tags['emergency'] === 'ambulance_station' ? 'ambulance_station' : tags['amenity'] === 'hospital' ? 'hospital' : null;
    if (kind) this.out.pois.push({ osmId, kind, name: tags['name'] ?? tags['name:en'] ?? `${kind} ${osmId}`, lat, lon });
  }
}

export function readExtractFeatures(path: string): ExtractFeatures {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new CoverageError('BAD_INPUT', `cannot read extract ${path}: ${(e as Error).message}`);
  }
  if (/\.pbf$/i.test(path)) return featuresFromPbf(bytes);
  if (/\.(osm|xml)$/i.test(path)) return featuresFromXml(bytes.toString('utf8'));
  throw new CoverageError('BAD_INPUT', `${path}: expected a .osm.pbf or .osm extract`);
}

export function featuresFromPbf(bytes: Uint8Array): ExtractFeatures {
  const c = new Collector();
  try {
    // PBF blocks put nodes before ways, so node positions are known when a way arrives.
    tinyosmpbf(bytes, (e) => {
      if (e.type === 'node') c.node(e.id, e.lat!, e.lon!, e.tags ?? {});
      else if (e.type === 'way') c.way(e.id, e.nodes ?? [], e.tags ?? {});
    });
  } catch (e) {
    throw new CoverageError('BAD_INPUT', `cannot parse OSM pbf: ${(e as Error).message}`);
  }
  return c.out;
}

export function featuresFromXml(text: string): ExtractFeatures {
  const c = new Collector();
  const p = new SAXParser(true, { trim: true });
  let cur: { kind: 'node' | 'way'; id: number; lat: number; lon: number; refs: number[]; tags: Tags } | null = null;
  p.onerror = (err) => {
    throw new CoverageError('BAD_INPUT', `malformed OSM XML: ${err.message.split('\n')[0]}`);
  };
  p.onopentag = (tag) => {
    const a = tag.attributes as Record<string, string>;
    if (tag.name === 'node' || tag.name === 'way') cur = { kind: tag.name, id: Number(a['id']), lat: Number(a['lat']), lon: Number(a['lon']), refs: [], tags: {} };
    else if (tag.name === 'nd' && cur) cur.refs.push(Number(a['ref']));
    else if (tag.name === 'tag' && cur && a['k'] !== undefined) cur.tags[a['k']] = a['v'] ?? '';
  };
  p.onclosetag = (name) => {
    if (!cur || name !== cur.kind) return;
    if (cur.kind === 'node') c.node(cur.id, cur.lat, cur.lon, cur.tags);
    else c.way(cur.id, cur.refs, cur.tags);
    cur = null;
  };
  p.write(text).close();
  return c.out;
}
