import { writeArrayBuffer } from 'geotiff';
import { uniformClassifier } from '../area-classes';
import { analyseCoverage } from '../coverage-analysis';
import { CoverageError } from '../errors';
import { parseRule } from '../rules';
import { D, handMap, RESIDENTIAL_KMH, secs } from '../testing/line-map';
import { populationDemand } from './population-demand';
import { populationFromRows, populationRows } from './population-import';
import { areasFromCsv, areasFromGeoJson, populationFormatOf, type PopulationInput, readPopulation, readPopulationRaster } from './population-input';

/*
 *   a ---- b ---- c ---- d ---- e ---- f      one two-way residential street on the equator, 0.01° apart
 *   S1                                        the station at a; the rule: 2.5 steps everywhere
 */
const line = handMap({ a: [0, 0], b: [0, 0.01], c: [0, 0.02], d: [0, 0.03], e: [0, 0.04], f: [0, 0.05] }, [{ nodes: 'abcdef', tags: { highway: 'residential' } }]);
const STEP_S = secs(10 * D, RESIDENTIAL_KMH);
const REACH_STEPS = 2.5;
const rule = parseRule({ id: 't', limits: { '*': { maxTimeS: REACH_STEPS * STEP_S } } });
const S1 = { id: 'S1', name: 'a', lat: 0, lon: 0 };
const analyse = (input: PopulationInput) => analyseCoverage(line, rule, [S1], populationDemand(line, input), uniformClassifier('urban'), { snapMaxM: 100 });

const NODATA = -9999;
/** A 6×2 WGS-84 grid of 0.01° × 0.03° cells: row 1 centred on the street (lat 0), row 0 at lat 0.03, 3.3 km off it. */
const GRID = { lon0: -0.005, lat0: 0.045, dLon: 0.01, dLat: 0.03, width: 6, height: 2 };
const VALUES = [5, 0, 7, NODATA, 11, 13, /* on the street: */ 100, 200, 300, NODATA, 500, 600];

async function tiff(values: number[], keys: Record<string, unknown> = {}): Promise<Uint8Array> {
  const buf = await writeArrayBuffer(new Float32Array(values), {
    width: GRID.width, height: GRID.height, ModelPixelScale: [GRID.dLon, GRID.dLat, 0], ModelTiepoint: [0, 0, 0, GRID.lon0, GRID.lat0, 0],
    GTModelTypeGeoKey: 2, GTRasterTypeGeoKey: 1, GeographicTypeGeoKey: 4326, GDAL_NODATA: String(NODATA), SampleFormat: [3], BitsPerSample: [32], ...keys,
  });
  return new Uint8Array(buf as ArrayBuffer);
}

const box = (x0: number, y0: number, x1: number, y1: number) => ({ type: 'Polygon' as const, coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]] as Array<[number, number]>] });
/** 近郊 holds the street within 1.5 steps of a; 远郊 the street from 3.5 steps on; 山区 no street at all. */
const AREAS = [
  { id: 'T1', name: '近郊街道', population: 9000, geometry: box(-0.005, -0.01, 0.015, 0.01) },
  { id: 'T2', name: '远郊镇', population: 100, geometry: box(0.035, -0.01, 0.06, 0.01) },
  { id: 'T3', name: '山区乡', population: 500, geometry: box(0.0, 0.02, 0.05, 0.04) },
];
const geojson = JSON.stringify({ type: 'FeatureCollection', features: AREAS.map((a) => ({ type: 'Feature', properties: { 编码: a.id, 乡镇: a.name, 常住人口: a.population }, geometry: a.geometry })) });

describe('population raster (GeoTIFF read with geotiff.js)', () => {
  it('reads people per cell at the cell centres, skipping nodata and empty cells', async () => {
    const cells = await readPopulationRaster(await tiff(VALUES), 'pop.tif');
    const expected = VALUES.flatMap((v, i) => (v === NODATA || v === 0 ? [] : [{ population: v, lon: GRID.lon0 + ((i % GRID.width) + 0.5) * GRID.dLon, lat: GRID.lat0 - (Math.floor(i / GRID.width) + 0.5) * GRID.dLat }]));
    expect(cells).toHaveLength(expected.length);
    cells.forEach((c, k) => {
      expect(c.population).toBe(expected[k]!.population);
      expect(c.lon).toBeCloseTo(expected[k]!.lon, 9);
      expect(c.lat).toBeCloseTo(expected[k]!.lat, 9);
    });
  });

  it('coverage shares are people: the cells on the street within reach over all people, off-street cells unreached', async () => {
    const input = await readPopulation(await tiff(VALUES), 'pop.tif');
    const a = analyse(input);
    // By hand: street cells sit at 0, 1, 2, 4, 5 steps from a; those within 2.5 steps are covered.
    let covered = 0;
    let total = 0;
    VALUES.forEach((v, i) => {
      if (v === NODATA || v === 0) return;
      total += v;
      const onStreet = Math.floor(i / GRID.width) === 1;
      if (onStreet && i % GRID.width <= REACH_STEPS) covered += v;
    });
    expect(a.demand.unit).toBe('people');
    expect(a.totalWeight).toBeCloseTo(total, 6);
    expect(a.coveredWeight).toBeCloseTo(covered, 6);
    expect(a.compliance).toBeCloseTo(covered / total, 9);
  });

  it('refuses negative counts (naming row and column), projected rasters other than Web Mercator, and files that are no TIFF', async () => {
    const neg = [...VALUES];
    neg[8] = -3;
    await expect(readPopulationRaster(await tiff(neg), 'neg.tif')).rejects.toThrow(/第 2 行第 3 列人口为 -3/);
    await expect(readPopulationRaster(await tiff(VALUES, { GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32650, GeographicTypeGeoKey: undefined }), 'utm.tif')).rejects.toThrow(/EPSG:32650/);
    await expect(readPopulationRaster(new TextEncoder().encode('II*\0 not really'), 'x.tif')).rejects.toThrow(CoverageError);
  });
});

describe('census areas spread over their road cells', () => {
  it('reads GeoJSON and CSV-with-WKT alike, with Chinese headers', () => {
    const fromJson = areasFromGeoJson(geojson, 'areas.geojson');
    const csv = ['编码,乡镇,常住人口,边界', ...AREAS.map((a) => `${a.id},${a.name},${a.population},"POLYGON((${a.geometry.coordinates[0]!.map(([x, y]) => `${x} ${y}`).join(', ')}))"`)].join('\n');
    const fromCsv = areasFromCsv(csv, 'areas.csv');
    expect(fromCsv).toEqual(fromJson);
    expect(fromJson.map((a) => [a.id, a.name, a.population])).toEqual(AREAS.map((a) => [a.id, a.name, a.population]));
    expect(populationFormatOf(new TextEncoder().encode(geojson))).toBe('geojson');
    expect(populationFormatOf(new TextEncoder().encode(csv))).toBe('csv');
  });

  it('a bad row is named by row and column', () => {
    expect(() => areasFromCsv('编码,常住人口,边界\nT1,很多,"POLYGON((0 0, 1 0, 1 1, 0 0))"', 'a.csv')).toThrow(/a\.csv 第 2 行 "常住人口": 人口 "很多"/);
    expect(() => areasFromCsv('编码,常住人口,边界\nT1,5,"POLYGON((0 0, 1 0"', 'a.csv')).toThrow(/第 2 行 "边界": WKT/);
    expect(() => areasFromCsv('编码,常住人口\nT1,5', 'a.csv')).toThrow(/边界列/);
  });

  it('people, not road metres: an area counts its census total wherever its streets are; one without a street is listed and unreached', () => {
    const input: PopulationInput = { source: 'areas.geojson', cells: [], areas: areasFromGeoJson(geojson, 'areas.geojson') };
    const d = populationDemand(line, input);
    expect(d.areasWithoutRoad).toEqual(['T3']);
    for (const a of AREAS) expect(d.points.filter((p) => p.id === a.id || p.id.startsWith(`${a.id}#`)).reduce((s, p) => s + p.population!, 0)).toBeCloseTo(a.population, 6);
    // Every spread point lies on the street, inside its own area.
    for (const p of d.points.filter((q) => q.id.includes('#'))) expect(p.lat).toBeCloseTo(0, 9);
    const a = analyseCoverage(line, rule, [S1], d, uniformClassifier('urban'), { snapMaxM: 100 });
    // By hand: T1's street (0 to 1.5 steps) is all within 2.5 steps, T2's (3.5 to 5 steps) none of it, T3 has none.
    const total = 9000 + 100 + 500;
    expect(a.coveredWeight).toBeCloseTo(9000, 6);
    expect(a.compliance).toBeCloseTo(9000 / total, 9);
  });

  it('stored rows round-trip to the same input', () => {
    const input: PopulationInput = { source: 's', cells: [{ id: 'r1c2', lat: 0, lon: 0.01, population: 7 }], areas: areasFromGeoJson(geojson, 'a') };
    expect(populationFromRows(populationRows(input), 's')).toEqual(input);
  });
});
