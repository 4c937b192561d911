import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { CoverageError } from './errors';
import { quoted } from './json-values';
import type { ExtractFeatures } from './extract/extract-features';
import { CellGrid } from './grid';

/** Decides the area class (urban, rural, ...) of any point; carries the map it decided from. */
export interface AreaClassifier {
  source: 'polygons' | 'fallback-density';
  /** One line for reports: what the classes come from. */
  description: string;
  classOf(lat: number, lon: number): string;
  /** The class areas to draw on the report map (properties.areaClass). */
  map: FeatureCollection<Polygon | MultiPolygon, { areaClass: string }>;
}

type AreaFeature = Feature<Polygon | MultiPolygon, { areaClass: string }>;

/**
 * Planner-supplied polygons, each with properties.areaClass (or class). The first polygon that
 * contains a point decides, so order them from specific to general; outside all: defaultClass.
 */
export function classifierFromPolygons(raw: unknown, defaultClass = 'rural', source = 'areas.geojson'): AreaClassifier {
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch (e) {
      throw new CoverageError('BAD_AREAS', `${source}: not JSON: ${(e as Error).message}`);
    }
  }
  const fc = raw as { type?: unknown; features?: unknown };
  if (typeof fc !== 'object' || fc === null || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new CoverageError('BAD_AREAS', `${source}: expected a GeoJSON FeatureCollection`);
  const feats: Array<{ f: AreaFeature; bbox: [number, number, number, number] }> = [];
  fc.features.forEach((f: unknown, i: number) => {
    const feat = f as { type?: unknown; geometry?: { type?: unknown; coordinates?: unknown } | null; properties?: Record<string, unknown> | null };
    const where = `${source} feature ${i}`;
    if (typeof feat !== 'object' || feat === null || feat.type !== 'Feature' || !feat.geometry) throw new CoverageError('BAD_AREAS', `${where}: expected a Feature with a geometry`);
    const t = feat.geometry.type;
    if (t !== 'Polygon' && t !== 'MultiPolygon') throw new CoverageError('BAD_AREAS', `${where}: geometry must be a Polygon or MultiPolygon (got ${quoted(t)})`);
    const cls = feat.properties?.['areaClass'] ?? feat.properties?.['area_class'] ?? feat.properties?.['class'];
    if (typeof cls !== 'string' || cls.trim() === '') throw new CoverageError('BAD_AREAS', `${where}: properties.areaClass is required (e.g. "urban", "rural")`);
    const rings = (t === 'Polygon' ? [feat.geometry.coordinates] : feat.geometry.coordinates) as unknown;
    const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    if (!Array.isArray(rings)) throw new CoverageError('BAD_AREAS', `${where}: coordinates missing`);
    for (const poly of rings) {
      if (!Array.isArray(poly) || poly.length === 0) throw new CoverageError('BAD_AREAS', `${where}: a polygon needs at least one ring`);
      for (const ring of poly) {
        if (!Array.isArray(ring) || ring.length < 4) throw new CoverageError('BAD_AREAS', `${where}: each ring needs at least 4 positions (closed)`);
        for (const pos of ring) {
          const [x, y] = Array.isArray(pos) ? (pos as [unknown, unknown]) : [undefined, undefined];
          if (typeof x !== 'number' || typeof y !== 'number' || Math.abs(x) > 180 || Math.abs(y) > 90) throw new CoverageError('BAD_AREAS', `${where}: position ${JSON.stringify(pos)} is not [lon, lat]`);
          bbox[0] = Math.min(bbox[0], x);
          bbox[1] = Math.min(bbox[1], y);
          bbox[2] = Math.max(bbox[2], x);
          bbox[3] = Math.max(bbox[3], y);
        }
        const a = ring[0] as number[];
        const z = ring[ring.length - 1] as number[];
        if (a[0] !== z[0] || a[1] !== z[1]) throw new CoverageError('BAD_AREAS', `${where}: rings must be closed (first position = last)`);
      }
    }
    feats.push({ f: { type: 'Feature', properties: { areaClass: cls.trim() }, geometry: feat.geometry as Polygon | MultiPolygon }, bbox });
  });
  if (feats.length === 0) throw new CoverageError('BAD_AREAS', `${source}: no polygons`);
  const classes = [...new Set(feats.map((x) => x.f.properties.areaClass))];
  return {
    source: 'polygons',
    description: `planner polygons (${source}: ${classes.join(', ')}; elsewhere ${defaultClass})`,
    classOf(lat, lon) {
      for (const { f, bbox } of feats) {
        if (lon < bbox[0] || lat < bbox[1] || lon > bbox[2] || lat > bbox[3]) continue;
        if (booleanPointInPolygon([lon, lat], f)) return f.properties.areaClass;
      }
      return defaultClass;
    },
    map: { type: 'FeatureCollection', features: feats.map((x) => x.f) },
  };
}

export interface DensityFallbackOptions {
  /** Cell side, metres (default 500). */
  cellM?: number;
  /** Residential street length density (km per km², over the cell and its 8 neighbours) at or above which a cell is urban (default 4). */
  urbanMinKmPerKm2?: number;
  /** Buildings per km² (same neighbourhood) at or above which a cell is also urban (default 400). */
  urbanMinBuildingsPerKm2?: number;
}

export const DENSITY_FALLBACK_DEFAULTS: Required<DensityFallbackOptions> = { cellM: 500, urbanMinKmPerKm2: 4, urbanMinBuildingsPerKm2: 400 };

/**
 * Without planner polygons: a cell is urban when the built-up density around it — residential
 * street length or buildings per km², over the 3×3 cells centred on it — reaches a threshold;
 * everything else is rural. Documented in README; the urban cells are drawn on every report map.
 */
export function densityFallbackClassifier(features: ExtractFeatures, bbox: [number, number, number, number], opts: DensityFallbackOptions = {}): AreaClassifier {
  const o = { ...DENSITY_FALLBACK_DEFAULTS, ...opts };
  if (!(o.cellM >= 50 && o.cellM <= 10_000)) throw new CoverageError('BAD_INPUT', 'density cell must be 50–10,000 m');
  const grid = new CellGrid(bbox[0], bbox[1], bbox[2], bbox[3], o.cellM);
  const road = new Float64Array(grid.size);
  const bld = new Float64Array(grid.size);
  for (const r of features.residentialRoads) {
    const c = grid.cellOf(r.lat, r.lon);
    if (c >= 0) road[c] += r.lengthM;
  }
  for (const b of features.buildings) {
    const c = grid.cellOf(b.lat, b.lon);
    if (c >= 0) bld[c] += 1;
  }
  const areaKm2 = 9 * (o.cellM / 1000) ** 2;
  const urban = new Uint8Array(grid.size);
  for (let c = 0; c < grid.size; c++) {
    const km = grid.neighbourhoodSum(road, c, 1) / 1000;
    const b = grid.neighbourhoodSum(bld, c, 1);
    if (km / areaKm2 >= o.urbanMinKmPerKm2 || b / areaKm2 >= o.urbanMinBuildingsPerKm2) urban[c] = 1;
  }
  const features2: AreaFeature[] = [];
  for (let c = 0; c < grid.size; c++) if (urban[c]) features2.push({ type: 'Feature', properties: { areaClass: 'urban' }, geometry: { type: 'Polygon', coordinates: [grid.ring(c)] } });
  return {
    source: 'fallback-density',
    description:
      `fallback from the extract: ${o.cellM} m cells are urban where residential streets reach ${o.urbanMinKmPerKm2} km/km² ` +
      `or buildings ${o.urbanMinBuildingsPerKm2}/km² over the 3×3 cells around them; elsewhere rural (${features2.length} urban cells)`,
    classOf(lat, lon) {
      const c = grid.cellOf(lat, lon);
      return c >= 0 && urban[c] ? 'urban' : 'rural';
    },
    map: { type: 'FeatureCollection', features: features2 },
  };
}

/** Every point the same class (e.g. a rule with '*' only, or a known all-urban district). */
export function uniformClassifier(areaClass: string): AreaClassifier {
  return { source: 'polygons', description: `every point is ${areaClass}`, classOf: () => areaClass, map: { type: 'FeatureCollection', features: [] } };
}
