// npm run coverage -- --region <extract> --stations <file|extract> --rule <preset|rule.json> --out <dir>
//   [--areas areas.geojson] [--demand demand.csv|.geojson] [--stations-crs WGS84|GCJ02|BD09] [--demand-crs WGS84|GCJ02|BD09] [--population N|extract] [--ambulances N]
//   [--county] [--minutes 5,10,15,30] [--k 5] [--candidates N|sites.csv] [--snap 500] [--title "..."]
// Writes GeoJSON, CSV and a self-contained HTML map (Leaflet inlined, roads from the extract).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@rescue/config';
import {
  analyseCoverage,
  type AreaClassifier,
  buildSitingProblem,
  classesCsv,
  classifierFromPolygons,
  CoverageError,
  type CoverageRule,
  demandCsv,
  type DemandCrs,
  demandFromExtract,
  demandToWgs84,
  demandGeoJson,
  type DemandSet,
  densityFallbackClassifier,
  maxCover,
  networkCandidates,
  OSM_ATTRIBUTION,
  parseDemandFile,
  parseStationsFile,
  placeSites,
  readExtractFeatures,
  renderReportHtml,
  resolveRule,
  roadsGeoJson,
  setCover,
  type Site,
  type SitingSummary,
  stationIsochrones,
  stationsCsv,
  stationsFromPois,
  stationsGeoJson,
  stationsToWgs84,
  withPopulationTotal,
} from '@rescue/coverage';
import { loadGraph, RoutingError } from '@rescue/routing';
import type { Feature, FeatureCollection } from 'geojson';

const USAGE = `usage: npm run coverage -- --region <extract.osm.pbf> --stations <stations.csv|.geojson|extract> --rule <1030|rescue-circle-15|national-2020|national-2020-straight|beijing-2011|rule.json> --out <dir>
  [--areas areas.geojson] [--demand demand.csv|.geojson] [--stations-crs WGS84|GCJ02|BD09] [--demand-crs WGS84|GCJ02|BD09] [--population N|extract] [--ambulances N] [--county]
  [--minutes 5,10,15,30] [--k 5] [--candidates 100|sites.csv] [--snap 500] [--title "..."]`;

function fail(msg: string): never {
  process.stderr.write(`${msg}\n${USAGE}\n`);
  process.exit(2);
}

function posInt(name: string, raw: string | undefined, def: number, max: number): number {
  if (raw === undefined) return def;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0 || v > max) fail(`--${name}=${raw}: expected a whole number 0–${max}`);
  return v;
}

function readRule(spec: string): CoverageRule {
  if (/\.json$/i.test(spec)) {
    if (!existsSync(spec)) fail(`--rule ${spec}: no such file`);
    return resolveRule(readFileSync(spec, 'utf8'));
  }
  return resolveRule(spec);
}

async function main(): Promise<void> {
  const { values: o } = parseArgs({
    options: {
      region: { type: 'string' },
      stations: { type: 'string', default: 'extract' },
      rule: { type: 'string', default: '1030' },
      out: { type: 'string' },
      areas: { type: 'string' },
      demand: { type: 'string' },
      'demand-crs': { type: 'string', default: 'WGS84' },
      'stations-crs': { type: 'string', default: 'WGS84' },
      population: { type: 'string' },
      ambulances: { type: 'string' },
      county: { type: 'boolean', default: false },
      minutes: { type: 'string', default: '5,10,15,30' },
      k: { type: 'string', default: '3' },
      candidates: { type: 'string', default: '100' },
      snap: { type: 'string' },
      title: { type: 'string' },
    },
    strict: true,
  });
  if (!o.out) fail('--out is required');
  const config = loadConfig();
  const region = o.region ?? config.osmExtract;
  const snapMaxM = posInt('snap', o.snap, config.routingSnapMaxM, 100_000);
  const minutes = o.minutes.split(',').filter((s) => s.trim() !== '').map(Number);
  const k = posInt('k', o.k, 3, 100);
  const rule = readRule(o.rule);
  const t0 = performance.now();
  const log = (m: string): void => void process.stdout.write(`[${((performance.now() - t0) / 1000).toFixed(1)} s] ${m}\n`);

  const { graph: g, from } = loadGraph(region, { cacheDir: join(config.dataDir, 'graph-cache') });
  log(`road graph ${region}: ${g.vertexCount} vertices (${from})`);
  const features = readExtractFeatures(region);
  const notes: string[] = [];

  const areas: AreaClassifier = o.areas ? classifierFromPolygons(readFileSync(o.areas, 'utf8'), 'rural', o.areas) : densityFallbackClassifier(features, g.meta.bbox);
  log(`area classes: ${areas.description}`);

  const stations =
    o.stations === 'extract' ? stationsFromPois(features.pois) : stationsToWgs84(parseStationsFile(o.stations, readFileSync(o.stations, 'utf8')), o['stations-crs'].toUpperCase());
  if (stations.length === 0) fail(`no stations: the extract tags no hospital or ambulance station; give --stations <file>`);
  if (o.stations === 'extract') notes.push(`Stations: the ${stations.length} hospitals (amenity=hospital) and ambulance stations (emergency=ambulance_station) tagged in the extract.`);

  let demand: DemandSet = o.demand ? demandToWgs84(parseDemandFile(o.demand, readFileSync(o.demand, 'utf8')), o['demand-crs'].toUpperCase() as DemandCrs) : demandFromExtract(features, g.meta.bbox);
  if (o.population !== undefined) {
    let total = Number(o.population);
    if (o.population === 'extract') {
      const biggest = [...features.places].sort((a, b) => b.population - a.population)[0];
      if (!biggest) fail('--population extract: no place with a population tag in the extract');
      total = biggest.population;
      notes.push(`Population ${total.toLocaleString('en-US')}: the population tag of "${biggest.name}" in the extract, spread over the demand cells in proportion to residential street length (an approximation).`);
    }
    demand = withPopulationTotal(demand, total);
  }
  log(`demand: ${demand.points.length} points (${demand.source})`);

  const analysis = analyseCoverage(g, rule, stations, demand, areas, {
    snapMaxM,
    jurisdiction: o.county ? 'county' : 'city',
    ...(o.ambulances !== undefined ? { ambulances: posInt('ambulances', o.ambulances, 0, 1_000_000) } : {}),
  });
  log(`analysis: compliance ${(analysis.compliance * 100).toFixed(1)} % in ${analysis.timing.totalMs.toFixed(0)} ms`);

  const placed = placeSites(g, analysis.stations, snapMaxM).placed;
  const iso: FeatureCollection = { type: 'FeatureCollection', features: [] };
  for (const s of placed) iso.features.push(...(stationIsochrones(g, s, minutes).features as Feature[]));
  log(`isochrones: ${placed.length} stations × ${minutes.length} limits`);

  // Siting: candidates generated on the network unless a file is given.
  const candidates: Site[] = /^\d+$/.test(o.candidates) ? networkCandidates(g, posInt('candidates', o.candidates, 100, 5000)) : parseStationsFile(o.candidates, readFileSync(o.candidates, 'utf8'));
  const problem = buildSitingProblem(g, rule, analysis.stations, candidates, demand, areas, { snapMaxM });
  const siting: SitingSummary[] = [];
  const sitesOf = (idx: number[]) => idx.map((j) => problem.candidates[j]!).map((c) => ({ id: c.id, name: c.name, lat: c.lat, lon: c.lon }));
  if (problem.matrix.weights.length > 0) {
    const mc = await maxCover(problem.matrix, k);
    siting.push({
      title: `best ${k} new sites (maximal covering)`,
      status: mc.status,
      objective: `+${((mc.objective / problem.totalWeight) * 100).toFixed(1)} % of demand covered (greedy: +${((mc.greedy.objective / problem.totalWeight) * 100).toFixed(1)} %)`,
      gap: mc.gap,
      solveMs: mc.solveMs,
      sites: sitesOf(mc.chosen),
    });
    const sc = await setCover(problem.matrix);
    siting.push({ title: 'fewest new sites so all coverable demand meets the rule (set covering)', status: sc.status, objective: `${sc.objective} new sites (greedy: ${sc.greedy.objective})`, gap: sc.gap, solveMs: sc.solveMs, sites: sitesOf(sc.chosen) });
  }
  if (problem.uncoverable.points > 0) notes.push(`${problem.uncoverable.points} demand points (${Math.round(problem.uncoverable.weight)} ${demand.unit}) cannot meet the rule from any of the ${problem.candidates.length} candidate sites.`);
  notes.push(`Siting candidates: ${problem.candidates.length} ${/^\d+$/.test(o.candidates) ? 'road junctions, one per grid cell, generated on the network' : `sites from ${o.candidates}`}; existing stations already cover ${Math.round(problem.alreadyCoveredWeight)} ${demand.unit}.`);
  notes.push('Travel times are free-flow ambulance-profile speeds on the OSM road graph (no traffic); the limits come from the rule above.');
  log(`siting: ${siting.map((s) => `${s.title}: ${s.objective}, ${s.status}`).join('; ') || 'nothing left to cover'}`);

  const out = resolve(o.out);
  mkdirSync(out, { recursive: true });
  const write = (name: string, body: string): void => writeFileSync(join(out, name), body);
  const json = (v: unknown): string => JSON.stringify(v) + '\n';
  write('demand.geojson', json(demandGeoJson(analysis)));
  write('uncovered.geojson', json(demandGeoJson(analysis, 'uncovered')));
  write('stations.geojson', json(stationsGeoJson(analysis)));
  write('isochrones.geojson', json(iso));
  write('areas.geojson', json(areas.map));
  write('proposed-sites.geojson', json({ type: 'FeatureCollection', features: siting.flatMap((s) => s.sites.map((x) => ({ type: 'Feature', properties: { model: s.title, id: x.id, name: x.name }, geometry: { type: 'Point', coordinates: [x.lon, x.lat] } }))) }));
  write('demand.csv', demandCsv(analysis));
  write('stations.csv', stationsCsv(analysis));
  write('classes.csv', classesCsv(analysis));
  const { points: _points, ...summary } = analysis;
  write('summary.json', JSON.stringify({ region, attribution: OSM_ATTRIBUTION, ...summary, siting, notes }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
  const leaflet = (f: string): string => readFileSync(require.resolve(`leaflet/dist/${f}`), 'utf8');
  const html = renderReportHtml(
    {
      title: o.title ?? `Station coverage — ${rule.name}`,
      region,
      analysis,
      roads: roadsGeoJson(g),
      areas: areas.map,
      isochrones: iso,
      siting,
      notes,
      generatedAt: new Date().toISOString().slice(0, 10),
    },
    { leafletJs: leaflet('leaflet.js'), leafletCss: leaflet('leaflet.css') },
  );
  write('report.html', html);
  log(`wrote ${out}/report.html and GeoJSON/CSV beside it`);
}

main().catch((e: unknown) => {
  if (e instanceof CoverageError || e instanceof RoutingError) {
    process.stderr.write(`${e.code}: ${e.message}\n`);
    process.exit(1);
  }
  throw e;
});
