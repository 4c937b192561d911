import { wktToGeoJSON } from '@terraformer/wkt';
import { parse as parseCsv } from 'csv-parse/sync';
import { fromArrayBuffer } from 'geotiff';
import { bd09ToWgs84, gcj02ToWgs84 } from '@rescue/telemetry';
import type { DemandCrs } from '../demand';
import { CoverageError } from '../errors';

/**
 * Population as demand (issue 13 item 5): a centre's census counts per township or community
 * (乡镇/街道/社区 polygons) and gridded population (a GeoTIFF raster such as a 100 m WorldPop grid).
 * This module reads and checks them; population-demand.ts spreads them onto the road network.
 */

/** One raster cell (or block of cells): people at a point. */
export interface PopulationCell {
  id: string;
  lat: number;
  lon: number;
  population: number;
}

type Ring = Array<[number, number]>;
export type AreaGeometry = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };

/** One census area: its count, spread over the road cells inside it. */
export interface PopulationArea {
  id: string;
  name: string;
  population: number;
  geometry: AreaGeometry;
}

export interface PopulationInput {
  source: string;
  cells: PopulationCell[];
  areas: PopulationArea[];
}

export type PopulationFormat = 'geotiff' | 'geojson' | 'csv';

/** Most raster cells kept; a finer raster is summed into blocks (a county's 100 m grid is well under this). */
export const MAX_POPULATION_CELLS = 200_000;
export const MAX_POPULATION_AREAS = 20_000;

const bad = (msg: string) => new CoverageError('BAD_DEMAND', msg);

/** The format from the file's first bytes: TIFF's byte-order mark, JSON's brace, else CSV. */
export function populationFormatOf(bytes: Uint8Array): PopulationFormat {
  const b = bytes;
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && (b[2] === 42 || b[2] === 43)) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && (b[3] === 42 || b[3] === 43)))) return 'geotiff';
  const head = new TextDecoder().decode(b.subarray(0, 64)).replace(/^\uFEFF/, '').trimStart();
  return head.startsWith('{') ? 'geojson' : 'csv';
}

/** Reads a population file of any of the three formats. */
export async function readPopulation(bytes: Uint8Array, source: string, format: PopulationFormat = populationFormatOf(bytes)): Promise<PopulationInput> {
  if (format === 'geotiff') return { source, cells: await readPopulationRaster(bytes, source), areas: [] };
  const text = new TextDecoder('utf-8').decode(bytes);
  return { source, cells: [], areas: format === 'geojson' ? areasFromGeoJson(text, source) : areasFromCsv(text, source) };
}

/**
 * A single-band GeoTIFF of people per cell, in geographic WGS-84 (EPSG:4326, as WorldPop and GHS-POP
 * ship) or Web Mercator (EPSG:3857). Read with geotiff.js; nodata, NaN and zero cells are skipped;
 * negative counts are refused. Past MAX_POPULATION_CELLS, k×k blocks are summed (people stay people).
 */
export async function readPopulationRaster(bytes: Uint8Array, source: string): Promise<PopulationCell[]> {
  let image;
  try {
    const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    image = await tiff.getImage();
  } catch (e) {
    throw bad(`${source}: 不是可读的 GeoTIFF (not a readable GeoTIFF: ${(e as Error).message})`);
  }
  const keys = (image.getGeoKeys() ?? {}) as Record<string, number | undefined>;
  const model = keys['GTModelTypeGeoKey'];
  const epsg = model === 1 ? keys['ProjectedCSTypeGeoKey'] : keys['GeographicTypeGeoKey'];
  const mercator = model === 1 && (epsg === 3857 || epsg === 900913);
  if (model === 1 && !mercator) throw bad(`${source}: 投影坐标系 EPSG:${epsg ?? '?'} 不支持，请先转为 EPSG:4326 (projected rasters other than EPSG:3857 are not read; gdalwarp -t_srs EPSG:4326)`);
  if (model === 2 && epsg !== undefined && epsg !== 4326 && epsg !== 4490) throw bad(`${source}: 地理坐标系 EPSG:${epsg} 不支持 (expected EPSG:4326 WGS-84 or 4490 CGCS2000)`);
  if (image.getSamplesPerPixel() !== 1) throw bad(`${source}: ${image.getSamplesPerPixel()} 个波段，人口栅格应为单波段 (a population raster has one band)`);
  let origin: number[];
  let res: number[];
  try {
    origin = image.getOrigin();
    res = image.getResolution();
  } catch (e) {
    throw bad(`${source}: 没有地理参考 (no georeference: ${(e as Error).message})`);
  }
  const [x0, y0] = [origin[0]!, origin[1]!];
  const [dx, dy] = [res[0]!, res[1]!];
  const width = image.getWidth();
  const height = image.getHeight();
  const toLonLat = mercator
    ? (x: number, y: number): [number, number] => [(x / 6378137) * (180 / Math.PI), (2 * Math.atan(Math.exp(y / 6378137)) - Math.PI / 2) * (180 / Math.PI)]
    : (x: number, y: number): [number, number] => [x, y];
  const corner = toLonLat(x0, y0);
  const far = toLonLat(x0 + dx * width, y0 + dy * height);
  for (const [lon, lat] of [corner, far]) {
    if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) throw bad(`${source}: 范围超出经纬度 (extent ${lon}, ${lat} is not longitude/latitude; is the CRS right?)`);
  }
  const noData = image.getGDALNoData();
  const [band] = (await image.readRasters({ interleave: false })) as unknown as ArrayLike<number>[];
  const values = band!;
  let nonEmpty = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === noData || Number.isNaN(v) || v === 0) continue;
    if (v < 0 || !Number.isFinite(v)) throw bad(`${source}: 第 ${Math.floor(i / width) + 1} 行第 ${(i % width) + 1} 列人口为 ${v} (cell value must be people ≥ 0 or nodata)`);
    nonEmpty++;
  }
  // Blocks of k×k cells when the raster has too many people-cells to analyse one by one.
  const k = Math.max(1, Math.ceil(Math.sqrt(nonEmpty / MAX_POPULATION_CELLS)));
  const bw = Math.ceil(width / k);
  const sum = new Float64Array(bw * Math.ceil(height / k));
  const sx = new Float64Array(sum.length);
  const sy = new Float64Array(sum.length);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const v = values[r * width + c]!;
      if (v === noData || Number.isNaN(v) || v === 0) continue;
      const b = Math.floor(r / k) * bw + Math.floor(c / k);
      sum[b] += v;
      sx[b] += v * (x0 + (c + 0.5) * dx);
      sy[b] += v * (y0 + (r + 0.5) * dy);
    }
  }
  const cells: PopulationCell[] = [];
  for (let b = 0; b < sum.length; b++) {
    if (sum[b]! <= 0) continue;
    const [lon, lat] = toLonLat(sx[b]! / sum[b]!, sy[b]! / sum[b]!);
    cells.push({ id: `r${Math.floor(b / bw) * k}c${(b % bw) * k}`, lat, lon, population: sum[b]! });
  }
  if (cells.length === 0) throw bad(`${source}: 栅格中没有人口 (every cell is empty or nodata)`);
  return cells;
}

const ID = ['id', '编码', '代码', '行政区划代码', 'code'];
const NAME = ['name', '名称', '乡镇', '街道', '社区', '乡镇街道', '村居', 'township', 'community'];
const POPULATION = ['population', 'pop', '人口', '常住人口', '户籍人口', '人口数'];
const WKT = ['wkt', 'geometry', 'geom', '边界', '范围', 'the_geom'];

function pick(props: Record<string, unknown>, names: string[]): unknown {
  for (const n of names) {
    for (const k of Object.keys(props)) if (k.trim().toLowerCase() === n) return props[k];
  }
  return undefined;
}

function population(raw: unknown, where: string): number {
  const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.replace(/,/g, '')) : Number.NaN;
  if (!Number.isFinite(v) || v < 0) throw bad(`${where}: 人口 "${String(raw)}" 应为 ≥ 0 的数 (population must be a number ≥ 0)`);
  return v;
}

function geometry(g: unknown, where: string): AreaGeometry {
  const geo = g as { type?: unknown; coordinates?: unknown } | null;
  if (!geo || (geo.type !== 'Polygon' && geo.type !== 'MultiPolygon') || !Array.isArray(geo.coordinates)) {
    throw bad(`${where}: 边界应为 Polygon 或 MultiPolygon (geometry must be a Polygon or MultiPolygon, got ${JSON.stringify(geo?.type ?? null)})`);
  }
  const polys = (geo.type === 'Polygon' ? [geo.coordinates] : geo.coordinates) as unknown[];
  for (const poly of polys) {
    if (!Array.isArray(poly) || poly.length === 0) throw bad(`${where}: 空的多边形 (empty polygon)`);
    for (const ring of poly as unknown[]) {
      if (!Array.isArray(ring) || ring.length < 4) throw bad(`${where}: 多边形的环至少 4 个点 (a ring needs at least 4 positions)`);
      for (const p of ring as unknown[]) {
        const [lon, lat] = Array.isArray(p) ? (p as unknown[]) : [];
        if (typeof lon !== 'number' || typeof lat !== 'number' || !(Math.abs(lon) <= 180) || !(Math.abs(lat) <= 90)) throw bad(`${where}: 坐标 ${JSON.stringify(p)} 不是经纬度 (positions are [lon, lat])`);
      }
    }
  }
  return geo as AreaGeometry;
}

function checkAreas(areas: PopulationArea[], source: string): PopulationArea[] {
  if (areas.length === 0) throw bad(`${source}: 没有区域 (no areas)`);
  if (areas.length > MAX_POPULATION_AREAS) throw bad(`${source}: 超过 ${MAX_POPULATION_AREAS} 个区域 (too many areas)`);
  return areas;
}

/** GeoJSON FeatureCollection of Polygon/MultiPolygon features with a population (人口) property. */
export function areasFromGeoJson(text: string, source: string): PopulationArea[] {
  let fc: { type?: unknown; features?: unknown };
  try {
    fc = JSON.parse(text.replace(/^\uFEFF/, '')) as typeof fc;
  } catch (e) {
    throw bad(`${source}: 不是 JSON (${(e as Error).message})`);
  }
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw bad(`${source}: 应为 GeoJSON FeatureCollection`);
  const seen = new Set<string>();
  const areas = (fc.features as unknown[]).map((f, i) => {
    const feat = f as { properties?: Record<string, unknown> | null; geometry?: unknown; id?: unknown };
    const props = feat?.properties ?? {};
    const where = `${source} 第 ${i + 1} 个要素 (feature ${i})`;
    const name = String(pick(props, NAME) ?? '').trim();
    const id = String(pick(props, ID) ?? feat.id ?? (name || `a${i + 1}`)).trim();
    if (seen.has(id)) throw bad(`${where}: 编号 ${id} 重复 (duplicate id)`);
    seen.add(id);
    const pop = pick(props, POPULATION);
    if (pop === undefined) throw bad(`${where}: 缺少人口属性 (population / 人口 / 常住人口)`);
    return { id, name: name || id, population: population(pop, where), geometry: geometry(feat?.geometry, where) };
  });
  return checkAreas(areas, source);
}

/** CSV with a WKT boundary column (wkt / 边界), a population column (人口) and an id or name. Row 1 names the columns. */
export function areasFromCsv(text: string, source: string): PopulationArea[] {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, trim: true, relax_column_count: false }) as Record<string, string>[];
  } catch (e) {
    throw bad(`${source}: CSV 无法解析 (${(e as Error).message})`);
  }
  if (rows.length === 0) throw bad(`${source}: 没有数据行 (no rows)`);
  const headers = Object.keys(rows[0]!);
  const col = (names: string[]) => headers.find((h) => names.includes(h.trim().toLowerCase()));
  const wktCol = col(WKT);
  const popCol = col(POPULATION);
  if (!wktCol || !popCol) throw bad(`${source}: 表头须有边界列 (${WKT.join('/')}) 和人口列 (${POPULATION.join('/')})；实际为 ${headers.join(',')}`);
  const idCol = col(ID);
  const nameCol = col(NAME);
  const seen = new Set<string>();
  const areas = rows.map((r, i) => {
    const where = `${source} 第 ${i + 2} 行`;
    const name = nameCol ? r[nameCol]!.trim() : '';
    const id = (idCol ? r[idCol]!.trim() : '') || name || `a${i + 1}`;
    if (seen.has(id)) throw bad(`${where} "${idCol ?? nameCol ?? 'id'}": 编号 ${id} 重复 (duplicate id)`);
    seen.add(id);
    let geo: unknown;
    try {
      geo = wktToGeoJSON(r[wktCol]!);
    } catch (e) {
      throw bad(`${where} "${wktCol}": WKT 无法解析 (${(e as Error).message})`);
    }
    return { id, name: name || id, population: population(r[popCol], `${where} "${popCol}"`), geometry: geometry(geo, `${where} "${wktCol}"`) };
  });
  return checkAreas(areas, source);
}

/** The input in WGS-84 from the datum it came in (GCJ-02: AMap, Tencent; BD-09: Baidu). */
export function populationToWgs84(p: PopulationInput, crs: DemandCrs): PopulationInput {
  if (crs === 'WGS84') return p;
  const conv = crs === 'GCJ02' ? gcj02ToWgs84 : bd09ToWgs84;
  const pos = ([lon, lat]: [number, number]): [number, number] => {
    const w = conv({ lat, lon });
    return [w.lon, w.lat];
  };
  const ring = (r: Ring): Ring => r.map(pos);
  return {
    source: `${p.source} (converted ${crs} → WGS-84)`,
    cells: p.cells.map((c) => ({ ...c, ...conv({ lat: c.lat, lon: c.lon }) })),
    areas: p.areas.map((a) => ({
      ...a,
      geometry: a.geometry.type === 'Polygon' ? { type: 'Polygon', coordinates: a.geometry.coordinates.map(ring) } : { type: 'MultiPolygon', coordinates: a.geometry.coordinates.map((poly) => poly.map(ring)) },
    })),
  };
}
