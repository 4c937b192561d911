import { readdirSync, writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGraph } from '../build-graph';
import { RoutingError } from '../errors';
import type { RoadGraph } from '../graph';
import { AMBULANCE_PROFILE } from '../profile';
import { parseClip } from './clip';
import { readOsmFile } from './read-osm';
import { importRoads } from './stream-import';

const SHIPPED = readdirSync('data/osm').filter((f) => /\.(osm|osm\.pbf)$/.test(f)).map((f) => join('data/osm', f));
const info = { source: 'x', sourceSha256: '' };

/** Every array and count of two graphs, compared element by element (toEqual on 100k-long arrays is slow). */
function expectSameGraph(a: RoadGraph, b: RoadGraph): void {
  const { buildMs: _a, builtAt: _b, ...ma } = a.meta;
  const { buildMs: _c, builtAt: _d, ...mb } = b.meta;
  expect(ma).toEqual(mb);
  const arrays = Object.keys(a).filter((k) => ArrayBuffer.isView(a[k as keyof RoadGraph]));
  expect(arrays.length).toBeGreaterThan(20);
  for (const k of [...arrays, 'index.cellStart', 'index.cellItems']) {
    const get = (g: RoadGraph): ArrayLike<number> => (k.startsWith('index.') ? g.index[k.slice(6) as 'cellStart'] : g[k as keyof RoadGraph]) as ArrayLike<number>;
    const x = get(a), y = get(b);
    expect([k, x.length]).toEqual([k, y.length]);
    let diff = -1;
    for (let i = 0; i < x.length && diff < 0; i++) if (!Object.is(x[i], y[i])) diff = i;
    expect([k, diff]).toEqual([k, -1]);
  }
}

describe('streaming import', () => {
  it('ships the extracts the comparison runs on', () => {
    expect(SHIPPED.length).toBeGreaterThanOrEqual(5);
  });

  // Today's importer reads the whole file (tiny-osmpbf or SAX on the full text) into OsmData.
  it.each(SHIPPED)('%s: the same graph as the whole-file importer', (path) => {
    const whole = buildGraph(readOsmFile(path), AMBULANCE_PROFILE, info);
    const streamed = buildGraph(importRoads(path, AMBULANCE_PROFILE), AMBULANCE_PROFILE, info);
    expect(streamed.vertexCount).toBeGreaterThan(200);
    expectSameGraph(streamed, whole);
  });

  it('keeps coordinates only for road nodes, and reports both passes in bytes', () => {
    const phases: string[] = [];
    let last = 0;
    const r = importRoads('data/osm/andorra.osm.pbf', AMBULANCE_PROFILE, {
      onProgress: (phase, done, total) => {
        if (!phases.includes(phase)) phases.push(phase);
        expect(done).toBeLessThanOrEqual(total);
        last = done;
      },
    });
    expect(phases).toEqual(['read ways', 'read nodes']);
    expect(last).toBeGreaterThan(0);
    expect(r.osmNodes).toBe(69644);
    expect(r.nodeCount).toBeLessThan(r.osmNodes / 3);
    // Every kept node is used by a drivable way.
    const used = new Uint8Array(r.nodeCount);
    for (const i of r.refNode) if (i >= 0) used[i] = 1;
    expect(used.every((u) => u === 1)).toBe(true);
  });

  it('--clip keeps only the roads inside a bbox or polygon, cut as an extract border would', () => {
    const full = buildGraph(importRoads('data/osm/andorra.osm.pbf', AMBULANCE_PROFILE), AMBULANCE_PROFILE, info);
    const bbox = '1.50,42.50,1.56,42.56';
    const cut = buildGraph(importRoads('data/osm/andorra.osm.pbf', AMBULANCE_PROFILE, { clip: parseClip(bbox) }), AMBULANCE_PROFILE, info);
    expect(cut.vertexCount).toBeGreaterThan(100);
    expect(cut.vertexCount).toBeLessThan(full.vertexCount);
    for (let i = 0; i < cut.sLat.length; i++) {
      expect(cut.sLat[i]! >= 42.5 && cut.sLat[i]! <= 42.56 && cut.sLon[i]! >= 1.5 && cut.sLon[i]! <= 1.56).toBe(true);
    }
    // The same square as a GeoJSON polygon gives the same graph.
    const dir = mkdtempSync(join(tmpdir(), 'clip-'));
    const geo = join(dir, 'square.geojson');
    writeFileSync(geo, JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[1.5, 42.5], [1.56, 42.5], [1.56, 42.56], [1.5, 42.56], [1.5, 42.5]]] } }));
    const poly = buildGraph(importRoads('data/osm/andorra.osm.pbf', AMBULANCE_PROFILE, { clip: parseClip(geo) }), AMBULANCE_PROFILE, info);
    expectSameGraph(poly, cut);
  });

  it('rejects a bad clip and a damaged file with clear errors', () => {
    expect(() => parseClip('1.6,42.5,1.5,42.6')).toThrow(/min < max/);
    expect(() => parseClip('/no/such.geojson')).toThrow(RoutingError);
    const dir = mkdtempSync(join(tmpdir(), 'pbf-'));
    const cut = join(dir, 'cut.osm.pbf');
    writeFileSync(cut, readFileSync('data/osm/andorra.osm.pbf').subarray(0, 200_000));
    expect(() => importRoads(cut, AMBULANCE_PROFILE)).toThrow(/truncated/);
    const junk = join(dir, 'junk.osm.pbf');
    writeFileSync(junk, Buffer.from('not a pbf at all, just text'));
    expect(() => importRoads(junk, AMBULANCE_PROFILE)).toThrow(RoutingError);
  });
});
