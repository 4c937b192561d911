import { readFileSync } from 'node:fs';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { RoutingError } from '../errors';

/** An area to cut out of an extract while reading it: nodes outside are treated as absent. */
export interface Clip {
  /** Stable text for cache keys and the graph's meta. */
  key: string;
  contains(lat: number, lon: number): boolean;
}

/** "minLon,minLat,maxLon,maxLat" or the path of a GeoJSON (Multi)Polygon, Feature or FeatureCollection. */
export function parseClip(arg: string): Clip {
  const nums = arg.split(',').map((s) => Number(s.trim()));
  if (nums.length === 4 && nums.every((x) => Number.isFinite(x))) {
    const [minLon, minLat, maxLon, maxLat] = nums as [number, number, number, number];
    if (!(minLon < maxLon && minLat < maxLat && minLat >= -90 && maxLat <= 90 && minLon >= -180 && maxLon <= 180)) {
      throw new RoutingError('BAD_INPUT', `--clip ${arg}: a bbox is minLon,minLat,maxLon,maxLat with min < max, in degrees`);
    }
    return { key: `bbox:${nums.join(',')}`, contains: (lat, lon) => lat >= minLat && lat <= maxLat && lon >= minLon && lon <= maxLon };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(arg, 'utf8'));
  } catch (e) {
    throw new RoutingError('BAD_INPUT', `--clip ${arg}: neither a bbox (minLon,minLat,maxLon,maxLat) nor a readable GeoJSON file (${(e as Error).message})`);
  }
  const polys = polygonsOf(doc);
  if (polys.length === 0) throw new RoutingError('BAD_INPUT', `--clip ${arg}: the GeoJSON holds no Polygon or MultiPolygon`);
  const boxes = polys.map(bboxOf);
  const key = `geojson:${JSON.stringify(polys.map((p) => p.geometry.coordinates))}`;
  return {
    key,
    contains: (lat, lon) => polys.some((p, i) => {
      const b = boxes[i]!;
      return lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3] && booleanPointInPolygon([lon, lat], p);
    }),
  };
}

type Poly = Feature<Polygon | MultiPolygon>;

function polygonsOf(doc: unknown): Poly[] {
  const o = doc as { type?: string; geometry?: unknown; features?: unknown[]; coordinates?: unknown };
  if (o?.type === 'FeatureCollection' && Array.isArray(o.features)) return o.features.flatMap(polygonsOf);
  if (o?.type === 'Feature') return polygonsOf(o.geometry);
  if ((o?.type === 'Polygon' || o?.type === 'MultiPolygon') && Array.isArray(o.coordinates)) {
    return [{ type: 'Feature', properties: {}, geometry: o as Polygon | MultiPolygon }];
  }
  return [];
}

function bboxOf(p: Poly): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const rings = p.geometry.type === 'Polygon' ? p.geometry.coordinates : p.geometry.coordinates.flat();
  for (const ring of rings) for (const [x, y] of ring as [number, number][]) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RoutingError('BAD_INPUT', '--clip: polygon coordinates must be numbers');
    b[0] = Math.min(b[0], x);
    b[1] = Math.min(b[1], y);
    b[2] = Math.max(b[2], x);
    b[3] = Math.max(b[3], y);
  }
  return b;
}
