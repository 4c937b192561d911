import type { Feature, FeatureCollection, MultiLineString, Point } from 'geojson';
import type { RoadGraph } from '@rescue/routing';
import type { CoverageAnalysis, DemandResult } from '../coverage-analysis';

/** Attribution every map and report carries (the road data and the fallbacks come from OSM). */
export const OSM_ATTRIBUTION = '© OpenStreetMap contributors, ODbL 1.0';

const r1 = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);

function pointProps(p: DemandResult): Record<string, unknown> {
  return {
    id: p.id,
    weight: p.weight,
    population: p.population,
    areaClass: p.areaClass,
    station: p.station,
    timeS: r1(p.timeS),
    roadM: r1(p.roadM),
    straightM: r1(p.straightM),
    covered: p.covered,
    coveredBy: p.coveredBy,
    shortfall: Number.isFinite(p.shortfall) ? Math.round(p.shortfall * 1000) / 1000 : null,
    offRoad: p.offRoad,
  };
}

export function demandGeoJson(a: CoverageAnalysis, only?: 'uncovered'): FeatureCollection<Point> {
  const pts = only === 'uncovered' ? a.points.filter((p) => !p.covered) : a.points;
  return { type: 'FeatureCollection', features: pts.map((p) => ({ type: 'Feature', properties: pointProps(p), geometry: { type: 'Point', coordinates: [p.lon, p.lat] } })) };
}

export function stationsGeoJson(a: CoverageAnalysis): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: a.stations.map((s) => ({
      type: 'Feature',
      properties: { id: s.id, name: s.name, areaClass: s.areaClass, ...s.catchment, meanTimeS: s.catchment.meanTimeS === null ? null : r1(s.catchment.meanTimeS) },
      geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
    })),
  };
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'number' && !Number.isFinite(v) ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: ReadonlyArray<Record<string, unknown>>): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]!);
  return [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}

export function demandCsv(a: CoverageAnalysis): string {
  return toCsv(a.points.map((p) => ({ lat: p.lat, lon: p.lon, ...pointProps(p) })));
}

export function stationsCsv(a: CoverageAnalysis): string {
  return toCsv(
    a.stations.map((s) => ({
      id: s.id,
      name: s.name,
      lat: s.lat,
      lon: s.lon,
      areaClass: s.areaClass,
      catchmentPoints: s.catchment.points,
      catchmentWeight: r1(s.catchment.weight),
      catchmentPopulation: s.catchment.population === null ? null : Math.round(s.catchment.population),
      coveredWeight: r1(s.catchment.coveredWeight),
      meanTimeS: s.catchment.meanTimeS === null ? null : r1(s.catchment.meanTimeS),
      maxTimeS: s.catchment.maxTimeS === null ? null : r1(s.catchment.maxTimeS),
    })),
  );
}

export function classesCsv(a: CoverageAnalysis): string {
  return toCsv(
    a.byClass.map((c) => ({
      areaClass: c.areaClass,
      ruleClass: c.ruleClass,
      maxTimeS: c.limit.maxTimeS ?? null,
      maxRoadM: c.limit.maxRoadM ?? null,
      maxStraightM: c.limit.maxStraightM ?? null,
      points: c.points,
      coveredPoints: c.coveredPoints,
      weight: r1(c.weight),
      coveredWeight: r1(c.coveredWeight),
      share: c.share === null ? null : Math.round(c.share * 10000) / 10000,
    })),
  );
}

/**
 * The drivable roads of the graph as one GeoJSON feature, coordinates rounded to ~1 m and shape
 * points closer than ~15 m to the last kept one dropped: the report's offline base map.
 */
export function roadsGeoJson(g: RoadGraph): Feature<MultiLineString> {
  const lines: [number, number][][] = [];
  const q = (x: number): number => Math.round(x * 1e5) / 1e5;
  for (let c = 0; c < g.chainCount; c++) {
    const s0 = g.cShapeStart[c]!;
    const s1 = g.cShapeStart[c + 1]! - 1;
    const line: [number, number][] = [[q(g.sLon[s0]!), q(g.sLat[s0]!)]];
    let lastCum = g.sCum[s0]!;
    for (let p = s0 + 1; p <= s1; p++) {
      if (p < s1 && g.sCum[p]! - lastCum < 15) continue;
      line.push([q(g.sLon[p]!), q(g.sLat[p]!)]);
      lastCum = g.sCum[p]!;
    }
    lines.push(line);
  }
  return { type: 'Feature', properties: { attribution: OSM_ATTRIBUTION }, geometry: { type: 'MultiLineString', coordinates: lines } };
}
