import type { Feature, FeatureCollection, MultiLineString } from 'geojson';
import type { CoverageAnalysis } from '../coverage-analysis';
import { OSM_ATTRIBUTION } from './report-tables';

/** Leaflet's JS and CSS, read by the caller from node_modules so the page works offline. */
export interface ReportAssets {
  leafletJs: string;
  leafletCss: string;
}

export interface SitingSummary {
  title: string;
  status: string;
  objective: string;
  gap: number;
  solveMs: number;
  sites: Array<{ id: string; name: string; lat: number; lon: number }>;
}

export interface ReportInput {
  title: string;
  region: string;
  analysis: CoverageAnalysis;
  roads: Feature<MultiLineString>;
  areas: FeatureCollection;
  isochrones: FeatureCollection;
  siting: SitingSummary[];
  notes: string[];
  generatedAt: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** JSON safe inside <script>: no "</script>" or "<!--" can appear. */
const inlineJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
const mins = (s: number | null): string => (s === null || !Number.isFinite(s) ? '–' : `${(s / 60).toFixed(1)} min`);
const num = (x: number): string => Math.round(x).toLocaleString('en-US');

function limitText(l: { maxTimeS?: number; maxRoadM?: number; maxStraightM?: number }): string {
  const parts: string[] = [];
  if (l.maxTimeS !== undefined) parts.push(`${l.maxTimeS / 60} min by road`);
  if (l.maxRoadM !== undefined) parts.push(`${l.maxRoadM / 1000} km by road`);
  if (l.maxStraightM !== undefined) parts.push(`${l.maxStraightM / 1000} km straight line`);
  return parts.join(' and ');
}

/** A single HTML file: tables a planner reads, and a Leaflet map drawn from the extract's roads. */
export function renderReportHtml(r: ReportInput, assets: ReportAssets): string {
  const a = r.analysis;
  const classRows = a.byClass
    .map((c) => `<tr><td>${esc(c.areaClass)}</td><td>${esc(limitText(c.limit))}</td><td>${c.points}</td><td>${num(c.weight)}</td><td>${num(c.coveredWeight)}</td><td><b>${pct(c.share)}</b></td></tr>`)
    .join('');
  const stationRows = a.stations
    .map((s) => `<tr><td>${esc(s.name)}</td><td>${esc(s.areaClass)}</td><td>${s.catchment.points}</td><td>${num(s.catchment.weight)}</td><td>${pct(s.catchment.weight > 0 ? s.catchment.coveredWeight / s.catchment.weight : null)}</td><td>${mins(s.catchment.meanTimeS)}</td><td>${mins(s.catchment.maxTimeS)}</td></tr>`)
    .join('');
  const worstRows = a.worstServed
    .map((p) => `<tr><td>${esc(p.id)}</td><td>${p.lat.toFixed(5)}, ${p.lon.toFixed(5)}</td><td>${esc(p.areaClass)}</td><td>${num(p.weight)}</td><td>${p.offRoad ? 'off road' : mins(p.timeS)}</td><td>${Number.isFinite(p.shortfall) ? `×${p.shortfall.toFixed(2)}` : '–'}</td><td>${esc(p.station ?? '–')}</td></tr>`)
    .join('');
  const amb = a.ambulances
    ? `<p>Ambulances: population ${num(a.ambulances.population)} (${a.ambulances.jurisdiction}) needs <b>${a.ambulances.required}</b> at 1 per 30,000${a.ambulances.jurisdiction === 'county' ? ' (population × 3)' : ''}; in service: ${a.ambulances.available ?? 'not given'}${a.ambulances.meets === null ? '' : a.ambulances.meets ? ' — meets the rule' : ' — <b>below the rule</b>'}.</p>`
    : '<p>Ambulances per population: not checked (the demand is not population).</p>';
  const unplaced = a.unplacedStations.length
    ? `<p class="warn">Stations left out (too far from a drivable road in the extract): ${a.unplacedStations.map((u) => esc(`${u.name} — ${u.reason}`)).join('; ')}</p>`
    : '';
  const siting = r.siting
    .map((s) => `<li><b>${esc(s.title)}</b>: ${esc(s.objective)} — ${esc(s.status)}, gap ${(s.gap * 100).toFixed(2)} %, ${s.solveMs.toFixed(0)} ms. Sites: ${s.sites.map((x) => esc(x.name)).join(', ') || 'none'}</li>`)
    .join('');
  const data = {
    roads: r.roads,
    areas: r.areas,
    isochrones: r.isochrones,
    stations: a.stations.map((s) => ({ id: s.id, name: s.name, lat: s.lat, lon: s.lon, points: s.catchment.points })),
    demand: a.points.map((p) => [p.lat, p.lon, p.weight, p.covered ? 1 : 0, p.id, Number.isFinite(p.timeS) ? Math.round(p.timeS) : -1, p.areaClass, p.station ?? '']),
    siting: r.siting.map((s) => ({ title: s.title, sites: s.sites })),
    attribution: OSM_ATTRIBUTION,
  };
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.title)}</title>
<style>${assets.leafletCss}</style>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}
header,section{padding:8px 16px}
h1{font-size:20px;margin:8px 0}
h2{font-size:16px;margin:12px 0 4px}
#map{height:620px;border-top:1px solid #ccc;border-bottom:1px solid #ccc;background:#f4f1ea}
table{border-collapse:collapse;margin:4px 0}
td,th{border:1px solid #ddd;padding:2px 8px;text-align:left}
th{background:#f3f3f3}
.big{font-size:28px;font-weight:bold}
.warn{color:#a33}
.legend{background:#fff;padding:6px 8px;border-radius:4px;box-shadow:0 0 4px rgba(0,0,0,.3);line-height:1.6}
.sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle;border:1px solid #555}
.small{color:#666;font-size:12px}
</style></head>
<body>
<header>
<h1>${esc(r.title)}</h1>
<div>Region: ${esc(r.region)} · Rule: <b>${esc(a.rule.name)}</b> · generated ${esc(r.generatedAt)}</div>
<div class="small">Rule source: ${esc(a.rule.source)}</div>
<div class="small">Area classes: ${esc(a.areaSource)}</div>
<div class="small">Demand: ${esc(a.demand.source)} (${a.demand.points} points, ${num(a.demand.totalWeight)} ${esc(a.demand.unit)})</div>
<p>Weighted compliance: <span class="big">${pct(a.compliance)}</span> of the demand is reached within the rule (${num(a.coveredWeight)} of ${num(a.totalWeight)} ${esc(a.demand.unit)}).</p>
${unplaced}
</header>
<div id="map"></div>
<section>
<h2>Covered share per area class</h2>
<table><tr><th>class</th><th>limit</th><th>points</th><th>demand</th><th>covered</th><th>share</th></tr>${classRows}</table>
<h2>Stations and their catchments (demand nearest by road time)</h2>
<table><tr><th>station</th><th>class</th><th>points</th><th>demand</th><th>covered</th><th>mean time</th><th>max time</th></tr>${stationRows}</table>
${amb}
<h2>Worst-served places (uncovered, farthest beyond the limit first)</h2>
<table><tr><th>place</th><th>lat, lon</th><th>class</th><th>demand</th><th>best time</th><th>× limit</th><th>nearest station</th></tr>${worstRows}</table>
${siting ? `<h2>Where new stations would help</h2><ul>${siting}</ul>` : ''}
<h2>Notes</h2><ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
<p class="small">Map data ${esc(OSM_ATTRIBUTION)} (openstreetmap.org/copyright). Base map drawn from the extract's roads; no tiles are loaded.</p>
</section>
<script>${assets.leafletJs.replace(/<\/script/gi, '<\\/script')}</script>
<script>
const DATA = ${inlineJson(data)};
const map = L.map('map', { preferCanvas: true });
map.attributionControl.setPrefix(false);
map.attributionControl.addAttribution(DATA.attribution);
const roads = L.geoJSON(DATA.roads, { style: { color: '#777', weight: 1.2, opacity: 0.9 }, interactive: false }).addTo(map);
const areas = L.geoJSON(DATA.areas, { style: (f) => ({ color: '#d08000', weight: 0.5, fillColor: f.properties.areaClass === 'urban' ? '#f0a030' : '#80b0ff', fillOpacity: 0.25 }) }).addTo(map);
const isoColors = ['#1a9850', '#91cf60', '#fee08b', '#fc8d59', '#d73027', '#7b3294'];
const minutes = [...new Set(DATA.isochrones.features.map((f) => f.properties.minutes))].sort((a, b) => a - b);
const isoLayers = {};
minutes.forEach((m, i) => {
  isoLayers['Isochrone ' + m + ' min'] = L.geoJSON({ type: 'FeatureCollection', features: DATA.isochrones.features.filter((f) => f.properties.minutes === m && f.properties.kind === 'polygon') },
    { style: { color: isoColors[i % isoColors.length], weight: 0, fillOpacity: 0.18 }, interactive: false });
});
const maxW = Math.max(1, ...DATA.demand.map((d) => d[2]));
const demand = L.layerGroup(DATA.demand.map((d) => L.circleMarker([d[0], d[1]], { radius: 2 + 8 * Math.sqrt(d[2] / maxW), color: d[3] ? '#1a7f37' : '#c62828', weight: 1, fillOpacity: 0.6 })
  .bindTooltip(d[4] + ' · ' + d[6] + ' · demand ' + Math.round(d[2]) + ' · ' + (d[5] < 0 ? 'not reached' : (d[5] / 60).toFixed(1) + ' min') + (d[3] ? ' · covered' : ' · NOT covered')))).addTo(map);
const stations = L.layerGroup(DATA.stations.map((s) => L.circleMarker([s.lat, s.lon], { radius: 8, color: '#0d47a1', fillColor: '#1e88e5', fillOpacity: 1, weight: 2 }).bindTooltip(s.name + ' (' + s.points + ' demand points)'))).addTo(map);
// Catchments: each demand point in its nearest station's colour (off at start).
const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const colourOf = Object.fromEntries(DATA.stations.map((s, i) => [s.id, palette[i % palette.length]]));
const catchments = L.layerGroup(DATA.demand.map((d) => L.circleMarker([d[0], d[1]], { radius: 2 + 8 * Math.sqrt(d[2] / maxW), color: colourOf[d[7]] || '#000', weight: 1, fillOpacity: 0.7 })
  .bindTooltip(d[4] + ' → ' + (d[7] || 'no station reaches it'))));
const overlays = { 'Area classes': areas, 'Demand (green covered, red not)': demand, 'Catchments (colour = nearest station)': catchments, 'Stations': stations, ...isoLayers };
DATA.siting.forEach((s) => {
  overlays['Proposed: ' + s.title] = L.layerGroup(s.sites.map((x) => L.circleMarker([x.lat, x.lon], { radius: 9, color: '#6a1b9a', fillColor: '#ce93d8', fillOpacity: 1, weight: 3 }).bindTooltip(s.title + ': ' + x.name)));
});
if (DATA.siting.length) overlays['Proposed: ' + DATA.siting[0].title].addTo(map);
// Show one isochrone at start: 10 min when computed (the 1030 urban limit), else the smallest.
const shown = minutes.includes(10) ? 10 : minutes[0];
if (shown !== undefined) isoLayers['Isochrone ' + shown + ' min'].addTo(map);
L.control.layers({}, { 'Roads': roads, ...overlays }, { collapsed: false }).addTo(map);
const legend = L.control({ position: 'bottomleft' });
legend.onAdd = () => { const d = L.DomUtil.create('div', 'legend'); d.innerHTML = '<span class="sw" style="background:#1e88e5"></span>station<br><span class="sw" style="background:#1a7f37"></span>covered demand<br><span class="sw" style="background:#c62828"></span>uncovered demand<br><span class="sw" style="background:#f0a030;opacity:.5"></span>urban area<br><span class="sw" style="background:#ce93d8"></span>proposed site'; return d; };
legend.addTo(map);
map.fitBounds(roads.getBounds(), { padding: [10, 10] });
document.body.dataset.ready = 'yes';
</script>
</body></html>
`;
}
