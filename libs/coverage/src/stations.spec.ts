import { featuresFromXml } from './extract/extract-features';
import { demandFromExtract } from './extract/extract-demand';
import { parseStationsFile, stationsFromPois, stationsToWgs84 } from './stations';
import { D } from './testing/line-map';

describe('station files', () => {
  it('CSV with ambulances; GeoJSON points', () => {
    expect(parseStationsFile('s.csv', 'id,name,lat,lon,ambulances\nA,"North, 1",42.5,1.5,2\nB,South,42.4,1.4,\n')).toEqual([
      { id: 'A', name: 'North, 1', lat: 42.5, lon: 1.5, ambulances: 2 },
      { id: 'B', name: 'South', lat: 42.4, lon: 1.4 },
    ]);
    const gj = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'X', ambulances: 1 }, geometry: { type: 'Point', coordinates: [1.5, 42.5] } }] });
    expect(parseStationsFile('s.geojson', gj)).toEqual([{ id: 'X', name: 'X', lat: 42.5, lon: 1.5, ambulances: 1 }]);
  });
  it.each([
    ['s.csv', 'id,lat,lon\nA,1,2\nA,3,4\n', /appears twice/],
    ['s.csv', 'id,lat,lon\nA,95,2\n', /invalid coordinates/],
    ['s.csv', 'id,x,y\nA,1,2\n', /lat and lon/],
    ['s.csv', 'id,lat,lon,ambulances\nA,1,2,1.5\n', /whole number/],
    ['s.geojson', '{"type":"FeatureCollection","features":[]}', /no stations/],
    ['s.geojson', '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[]}}]}', /expected a Point/],
  ])('%s %j is refused', (name, text, msg) => expect(() => parseStationsFile(name, text)).toThrow(msg));
});

describe('features read from an extract', () => {
  // A hospital drawn as a closed square way, an ambulance station node, a residential street of
  // 2·D metres (two 0.001° steps on the equator), a primary road (not residential), a town with people.
  const xml = `<?xml version="1.0"?><osm version="0.6">
    <node id="1" lat="0" lon="0"/><node id="2" lat="0" lon="0.001"/><node id="3" lat="0" lon="0.002"/>
    <node id="4" lat="0.01" lon="0.01"/><node id="5" lat="0.01" lon="0.012"/><node id="6" lat="0.012" lon="0.012"/><node id="7" lat="0.012" lon="0.01"/>
    <node id="8" lat="0.02" lon="0.02"><tag k="emergency" v="ambulance_station"/><tag k="name" v="EMS 1"/></node>
    <node id="9" lat="0.03" lon="0.03"><tag k="place" v="town"/><tag k="name" v="T"/><tag k="population" v="12000"/></node>
    <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
    <way id="11"><nd ref="4"/><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="4"/><tag k="amenity" v="hospital"/><tag k="name" v="General"/></way>
    <way id="12"><nd ref="1"/><nd ref="4"/><tag k="highway" v="primary"/></way>
  </osm>`;
  const f = featuresFromXml(xml);

  it('hospitals (way centroid) and ambulance stations become stations', () => {
    const s = stationsFromPois(f.pois);
    expect(s.map((x) => [x.id, x.name])).toEqual([
      ['node/8', 'EMS 1'],
      ['way/11', 'General'],
    ]);
    // The closing node is not counted twice: the centre of the square's four corners.
    expect(s[1]!.lat).toBeCloseTo(0.011, 12);
    expect(s[1]!.lon).toBeCloseTo(0.011, 12);
  });

  it('residential streets only, with their length; places with population', () => {
    expect(f.residentialRoads.reduce((s, r) => s + r.lengthM, 0)).toBeCloseTo(2 * D, 6);
    expect(f.places).toEqual([{ name: 'T', lat: 0.03, lon: 0.03, population: 12000 }]);
  });

  it('fallback demand: one point per cell weighted by residential metres', () => {
    const d = demandFromExtract(f, [-0.01, -0.01, 0.05, 0.05], 500);
    expect(d.points).toHaveLength(1);
    expect(d.points[0]!.weight).toBe(Math.round(2 * D));
    expect(d.points[0]!.lon).toBeCloseTo(0.001, 9);
  });
});

describe('stations uploaded in Chinese map datums', () => {
  // domain.md §6 check points: WGS(120, 40) → GCJ (120.00567568355486, 40.0013047896019);
  // WGS(116.403988, 39.914266) → BD-09 (116.41661560068297, 39.92196580126834).
  const m = (a: { lat: number; lon: number }, lat: number, lon: number) => Math.hypot((a.lat - lat) * 110_574, (a.lon - lon) * 111_320 * Math.cos((lat * Math.PI) / 180));
  it('GCJ-02 and BD-09 stations land within 2 m of their WGS-84 position; WGS-84 stays as given', () => {
    const [g] = stationsToWgs84([{ id: 'A', name: '高德站', lat: 40.0013047896019, lon: 120.00567568355486 }], 'GCJ02');
    expect(m(g!, 40, 120)).toBeLessThan(2);
    const [b] = stationsToWgs84([{ id: 'B', name: '百度站', lat: 39.92196580126834, lon: 116.41661560068297 }], 'BD09');
    expect(m(b!, 39.914266, 116.403988)).toBeLessThan(2);
    expect(b).toMatchObject({ id: 'B', name: '百度站' });
    const w = [{ id: 'C', name: 'c', lat: 1, lon: 2 }];
    expect(stationsToWgs84(w, 'WGS84')).toBe(w);
  });
  it('an unknown datum is refused by name', () => {
    expect(() => stationsToWgs84([], 'UTM50', 'body.stations')).toThrow(/body.stations CRS UTM50: expected one of WGS84, GCJ02, BD09/);
    expect(() => stationsToWgs84([], { x: 1 })).toThrow(/expected one of/);
  });
});
