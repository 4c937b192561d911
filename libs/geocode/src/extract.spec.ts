import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haversineM } from '@rescue/common';
import { type GeoFeature, readPlaces } from './extract';
import { Geocoder } from './geocoder';

// A hand-drawn town in OSM XML: every way the geocoder reads a feature is here once.
const node = (id: number, lat: number, lon: number, tags: Record<string, string> = {}): string =>
  `<node id="${id}" lat="${lat}" lon="${lon}">${Object.entries(tags).map(([k, v]) => `<tag k="${k}" v="${v}"/>`).join('')}</node>`;
const way = (id: number, refs: number[], tags: Record<string, string>): string =>
  `<way id="${id}">${refs.map((r) => `<nd ref="${r}"/>`).join('')}${Object.entries(tags).map(([k, v]) => `<tag k="${k}" v="${v}"/>`).join('')}</way>`;

const TOWN = `<?xml version="1.0"?><osm version="0.6">
${node(1, 32.60, 117.00)}${node(2, 32.60, 117.01)}${node(3, 32.60, 117.02)}
${node(4, 32.80, 117.00)}${node(5, 32.80, 117.01)}
${node(10, 32.61, 117.00)}${node(11, 32.61, 117.002)}${node(12, 32.612, 117.002)}${node(13, 32.612, 117.00)}
${node(20, 32.62, 117.00)}${node(21, 32.62, 117.004)}${node(22, 32.624, 117.004)}
${node(30, 32.605, 117.005, { amenity: 'hospital', name: '淮南市第一人民医院', 'name:en': "Huainan First People's Hospital", alt_name: '一院;市一院' })}
${node(31, 32.606, 117.006, { 'addr:street': '朝阳中路', 'addr:housenumber': '12', 'addr:city': '淮南市' })}
${node(32, 32.63, 117.01, { place: 'village', name: '李村' })}
${node(33, 32.64, 117.02, { highway: 'traffic_signals' })}
${node(34, 32.65, 117.03, { place: 'city', name: '淮南市' })}
${node(35, 32.85, 117.00, { place: 'city', name: '蚌埠市' })}
${way(100, [1, 2], { highway: 'primary', name: '长江路' })}
${way(101, [2, 3], { highway: 'primary', name: '长江路', ref: 'S101' })}
${way(102, [4, 5], { highway: 'residential', name: '长江路' })}
${way(103, [10, 11, 12, 13, 10], { amenity: 'school', name: '田家庵区第二小学' })}
${way(104, [20, 21], { highway: 'service' })}
${way(105, [20, 21, 22, 20], { building: 'yes' })}
${way(106, [1, 10], { railway: 'rail', name: '淮南线' })}
${way(107, [10, 20], { railway: 'rail', name: '淮南线' })}
<relation id="200"><member type="way" ref="105" role="outer"/><tag k="type" v="multipolygon"/><tag k="amenity" v="police"/><tag k="name" v="朝阳派出所"/></relation>
<relation id="201"><member type="node" ref="34" role="admin_centre"/><member type="way" ref="102" role="outer"/><tag k="type" v="boundary"/><tag k="boundary" v="administrative"/><tag k="admin_level" v="5"/><tag k="name" v="淮南市 / Huainan"/><tag k="name:zh" v="淮南市"/></relation>
<relation id="202"><member type="way" ref="100" role=""/><tag k="type" v="route"/><tag k="route" v="bus"/><tag k="name" v="1路"/></relation>
</osm>`;

describe('readPlaces on a hand-drawn town', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rc-geocode-'));
  const path = join(dir, 'town.osm');
  writeFileSync(path, TOWN);
  const x = readPlaces(path);
  const byName = (name: string): GeoFeature[] => x.features.filter((f) => f.name === name);

  it('a POI node with all its names, its kind and its place', () => {
    const [h] = byName('淮南市第一人民医院');
    expect(h).toEqual({ id: 'n30', name: '淮南市第一人民医院', names: ['淮南市第一人民医院', "Huainan First People's Hospital", '一院', '市一院'], kind: 'hospital', category: 'amenity=hospital', lat: 32.605, lon: 117.005 });
  });

  it('an address without a name is found by its address', () => {
    expect(byName('淮南市朝阳中路12号')).toMatchObject([{ id: 'n31', kind: 'address', address: '淮南市朝阳中路12号' }]);
  });

  it('a named area at the middle of its outline; a multipolygon at the middle of its outer way', () => {
    const [school] = byName('田家庵区第二小学');
    expect(school).toMatchObject({ id: 'w103', kind: 'school' });
    expect(school!.lat).toBeCloseTo(32.611, 6);
    expect(school!.lon).toBeCloseTo(117.001, 6);
    const [police] = byName('朝阳派出所');
    expect(police).toMatchObject({ id: 'r200', kind: 'police' });
    expect(police!.lat).toBeCloseTo((32.62 + 32.62 + 32.624) / 3, 6);
  });

  it('a boundary at its admin centre; route relations and untagged nodes are no places', () => {
    expect(byName('淮南市 / Huainan')).toMatchObject([{ id: 'r201', kind: 'admin', lat: 32.65, lon: 117.03, names: ['淮南市 / Huainan', '淮南市'] }]);
    expect(x.features.map((f) => f.name)).not.toContain('1路');
    expect(x.features.some((f) => f.id === 'n33')).toBe(false);
  });

  it('the ways of a road that touch are one road (with its ref); the same name 20 km away is another', () => {
    const roads = byName('长江路');
    expect(roads.map((r) => r.id).sort()).toEqual(['w100', 'w102']);
    expect(roads.find((r) => r.id === 'w100')!.names).toEqual(['长江路', 'S101']);
    // On the road: one of its nodes.
    expect(roads.find((r) => r.id === 'w100')!.lat).toBe(32.6);
    // A railway of two ways is one place too, and no road.
    expect(byName('淮南线')).toMatchObject([{ id: 'w106', kind: 'poi', category: 'railway=rail' }]);
    // Every named way is a polyline for the nearest-road lookup; the unnamed service road is not.
    expect(x.roads.map((r) => r.wayId).sort()).toEqual([100, 101, 102]);
  });

  it('context: the nearest city tells apart places of one name, and a query naming the city finds its one', () => {
    const roads = byName('长江路');
    expect(roads.find((r) => r.id === 'w100')!.context).toBe('淮南市');
    expect(roads.find((r) => r.id === 'w102')!.context).toBe('蚌埠市');
    // A name that holds its city gets no context repeating it.
    expect(byName('淮南市第一人民医院')[0]!.context).toBeUndefined();
    const g = Geocoder.fromExtract(path);
    expect(g.places.search('蚌埠 长江路')[0]!.feature.id).toBe('w102');
    expect(g.places.search('淮南长江路')[0]!.feature.id).toBe('w100');
  });

  it('reverse: the nearest named road with the distance to it, and the village nearby', () => {
    const g = Geocoder.fromExtract(path);
    // 100 m north of 长江路 (along the parallel 32.60).
    const r = g.reverse(32.60 + 100 / 111_195, 117.015, 1000);
    expect(r.road).toMatchObject({ name: '长江路', wayId: 101 });
    expect(r.road!.distanceM).toBeCloseTo(100, 0);
    expect(r.road!.lat).toBeCloseTo(32.6, 9);
    expect(r.road!.lon).toBeCloseTo(117.015, 9);
    expect(r.place!.feature.name).toBe('李村');
    expect(r.place!.distanceM).toBeCloseTo(haversineM(32.60 + 100 / 111_195, 117.015, 32.63, 117.01), 3);
    // 500 m from any road, with a 300 m radius: none.
    expect(g.reverse(32.7, 117.0, 300).road).toBeNull();
  });
});

describe('readPlaces on the shipped extracts', () => {
  it('Andorra (pbf, dense nodes with tags): its parishes\' towns, named streets, nearest street in Andorra la Vella', () => {
    const g = Geocoder.fromExtract('data/osm/andorra.osm.pbf');
    expect(g.stats.features).toBeGreaterThan(500);
    const canillo = g.places.search('Canillo', { limit: 1 })[0]!;
    expect(canillo.feature).toMatchObject({ name: 'Canillo', kind: 'town' });
    expect(haversineM(canillo.feature.lat, canillo.feature.lon, 42.567, 1.598)).toBeLessThan(1500);
    const r = g.reverse(42.5078, 1.5211, 500);
    expect(r.road!.distanceM).toBeLessThan(100);
    expect(r.place!.feature.name).toBe('Andorra la Vella');
  });

  it('the async build (event loop free between passes and chunks) gives the same index', async () => {
    const sync = Geocoder.fromExtract('data/osm/andorra.osm.pbf');
    const async = await Geocoder.fromExtractAsync('data/osm/andorra.osm.pbf');
    expect(async.places.features).toEqual(sync.places.features);
    for (const q of ['Canillo', 'sant julia', 'Meritxel', 'Av. Carlemany']) {
      expect(async.places.search(q).map((h) => [h.feature.id, h.score])).toEqual(sync.places.search(q).map((h) => [h.feature.id, h.score]));
    }
  });

  it('Haidian, Beijing (XML): hospitals tagged in Chinese', () => {
    const x = readPlaces('data/osm/beijing_haidian_cau.osm');
    const hospitals = x.features.filter((f) => f.kind === 'hospital');
    expect(hospitals.length).toBeGreaterThan(0);
    expect(hospitals.every((h) => /医院|卫生|诊/.test(h.name))).toBe(true);
  });
});
