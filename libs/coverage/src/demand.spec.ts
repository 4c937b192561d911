import { demandToWgs84, parseDemandCsv, parseDemandFile, parseDemandGeoJson, splitCsvLine, withPopulationTotal } from './demand';

describe('demand CSV', () => {
  it('reads population with id and class, quoted names, comments and blank lines', () => {
    const d = parseDemandCsv('# census 2020\nid,latitude,longitude,population,area_class\n"Town, north",42.5,1.5,1200,urban\n\nv2,42.6,1.6,300,rural\n');
    expect(d.kind).toBe('population');
    expect(d.points).toEqual([
      { id: 'Town, north', lat: 42.5, lon: 1.5, weight: 1200, population: 1200, areaClass: 'urban' },
      { id: 'v2', lat: 42.6, lon: 1.6, weight: 300, population: 300, areaClass: 'rural' },
    ]);
  });

  it('one row per incident without a weight column; semicolons', () => {
    const d = parseDemandCsv('lat;lng\n1;2\n3;4\n');
    expect(d.kind).toBe('incidents');
    expect(d.points.map((p) => p.weight)).toEqual([1, 1]);
  });

  it.each([
    ['', /empty file/],
    ['a,b\n1,2', /latitude column/],
    ['lat,lon\n', /no data rows/],
    ['lat,lon\n1,2,3', /line 2: 3 fields, header has 2/],
    ['lat,lon\n91,2', /line 2: latitude 91/],
    ['lat,lon\n1,x', /line 2: longitude NaN/],
    ['lat,lon,weight\n1,2,-3', /line 2: weight/],
    ['lat,lon\n"1,2', /line 2: unterminated quote/],
  ])('refuses %j', (text, msg) => expect(() => parseDemandCsv(text, 'd.csv')).toThrow(msg));

  it('splits quoted fields with escaped quotes', () => expect(splitCsvLine('a,"b ""c""",d', ',')).toEqual(['a', 'b "c"', 'd']));
});

describe('demand GeoJSON', () => {
  const fc = (features: unknown[]) => ({ type: 'FeatureCollection', features });
  it('reads weighted points; MultiPoint splits its weight', () => {
    const d = parseDemandGeoJson(
      fc([
        { type: 'Feature', id: 7, properties: { weight: 4 }, geometry: { type: 'Point', coordinates: [1.5, 42.5] } },
        { type: 'Feature', properties: { id: 'm', weight: 2 }, geometry: { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] } },
      ]),
    );
    expect(d.kind).toBe('weighted');
    expect(d.points.map((p) => [p.id, p.lon, p.lat, p.weight])).toEqual([
      ['7', 1.5, 42.5, 4],
      ['m.1', 1, 2, 1],
      ['m.2', 3, 4, 1],
    ]);
  });
  it.each([
    [{ type: 'Feature' }, /FeatureCollection/],
    [fc([{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [] } }]), /feature 0: geometry must be a Point/],
    [fc([{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [200, 0] } }]), /longitude 200/],
    [fc([{ type: 'Feature', properties: { population: 3 }, geometry: { type: 'Point', coordinates: [0, 0] } }, { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [0, 0] } }]), /population given on some/],
  ])('refuses bad input %#', (raw, msg) => expect(() => parseDemandGeoJson(raw)).toThrow(msg));
  it('refuses unknown file types', () => expect(() => parseDemandFile('d.xlsx', '')).toThrow(/expected .csv/));
});

it('spreads a population total in proportion to proxy weights', () => {
  const d = withPopulationTotal({ kind: 'extract-residential-roads', unit: 'm', source: 's', points: [{ id: 'a', lat: 0, lon: 0, weight: 100 }, { id: 'b', lat: 0, lon: 0, weight: 300 }] }, 8000);
  expect(d.points.map((p) => p.population)).toEqual([2000, 6000]);
  expect(d.kind).toBe('population');
});

describe('demand in Chinese map datums', () => {
  it('GCJ-02 demand comes back to WGS-84 (published check point, 1e-6°)', () => {
    // domain.md §6: WGS(120, 40) → GCJ (120.00567568355486, 40.0013047896019).
    const d = demandToWgs84({ kind: 'incidents', unit: 'incidents', source: 'amap', points: [{ id: 'a', lat: 40.0013047896019, lon: 120.00567568355486, weight: 1 }] }, 'GCJ02');
    expect(d.points[0]!.lat).toBeCloseTo(40, 6);
    expect(d.points[0]!.lon).toBeCloseTo(120, 6);
    expect(d.source).toMatch(/GCJ02 → WGS-84/);
  });
  it('BD-09 too, and WGS-84 is left alone', () => {
    // domain.md §6: WGS(116.403988, 39.914266) → BD-09 (116.41661560068297, 39.92196580126834).
    const d = demandToWgs84({ kind: 'incidents', unit: 'incidents', source: 'baidu', points: [{ id: 'b', lat: 39.92196580126834, lon: 116.41661560068297, weight: 1 }] }, 'BD09');
    expect(d.points[0]!.lat).toBeCloseTo(39.914266, 5);
    expect(d.points[0]!.lon).toBeCloseTo(116.403988, 5);
    const w = { kind: 'incidents' as const, unit: 'incidents', source: 's', points: [{ id: 'c', lat: 1, lon: 2, weight: 1 }] };
    expect(demandToWgs84(w, 'WGS84')).toBe(w);
  });
});
