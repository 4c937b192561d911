import { featuresFromXml } from './extract/extract-features';
import { demandFromExtract } from './extract/extract-demand';
import { parseStationsFile, stationsFromPois } from './stations';
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
