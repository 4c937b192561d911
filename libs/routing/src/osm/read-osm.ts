import { readFileSync } from 'node:fs';
import tinyosmpbf from 'tiny-osmpbf';
import { SAXParser } from 'sax';
import { RoutingError } from '../errors';
import { OsmData } from './osm-data';

export type OsmFormat = 'pbf' | 'xml';

export function formatOf(path: string): OsmFormat {
  if (/\.pbf$/i.test(path)) return 'pbf';
  if (/\.osm$|\.xml$/i.test(path)) return 'xml';
  throw new RoutingError('BAD_EXTRACT', `${path}: expected a .osm.pbf or .osm (XML) extract`);
}

/** Parse a whole extract held in memory (the shipped ones are a few MB; a province is ~100 MB). */
export function parseOsm(bytes: Uint8Array, format: OsmFormat): OsmData {
  try {
    return format === 'pbf' ? parsePbf(bytes) : parseXml(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    if (e instanceof RoutingError) throw e;
    throw new RoutingError('BAD_EXTRACT', `cannot parse OSM ${format}: ${(e as Error).message}`);
  }
}

export function readOsmFile(path: string): OsmData {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new RoutingError('BAD_EXTRACT', `cannot read ${path}: ${(e as Error).message}`);
  }
  return parseOsm(bytes, formatOf(path));
}

function parsePbf(bytes: Uint8Array): OsmData {
  const d = new OsmData();
  tinyosmpbf(bytes, (e) => {
    if (e.type === 'node') d.addNode(e.id, e.lat!, e.lon!);
    else if (e.type === 'way') d.addWay(e.id, e.nodes ?? [], e.tags ?? {});
    else d.addRelation(e.id, e.members ?? [], e.tags ?? {});
  });
  return d;
}

/** Streaming SAX over OSM XML (API 0.6 format); elements are self-describing, so one pass suffices. */
export function parseXml(text: string): OsmData {
  const d = new OsmData();
  const p = new SAXParser(true, { trim: true });
  let cur: { kind: 'way' | 'relation'; id: number; refs: number[]; members: { type: string; ref: number; role: string }[]; tags: Record<string, string> } | null = null;
  let sawOsm = false;
  p.onerror = (err) => {
    throw new RoutingError('BAD_EXTRACT', `malformed OSM XML: ${err.message.split('\n')[0]}`);
  };
  p.onopentag = (tag) => {
    const a = tag.attributes as Record<string, string>;
    switch (tag.name) {
      case 'osm':
        sawOsm = true;
        break;
      case 'node':
        if (a['action'] !== 'delete') d.addNode(Number(a['id']), Number(a['lat']), Number(a['lon']));
        break;
      case 'way':
      case 'relation':
        cur = a['action'] === 'delete' ? null : { kind: tag.name, id: Number(a['id']), refs: [], members: [], tags: {} };
        break;
      case 'nd':
        cur?.refs.push(Number(a['ref']));
        break;
      case 'member':
        cur?.members.push({ type: a['type'] ?? '', ref: Number(a['ref']), role: a['role'] ?? '' });
        break;
      case 'tag':
        if (cur && a['k'] !== undefined) cur.tags[a['k']] = a['v'] ?? '';
        break;
    }
  };
  p.onclosetag = (name) => {
    if ((name === 'way' || name === 'relation') && cur) {
      if (cur.kind === 'way') d.addWay(cur.id, cur.refs, cur.tags);
      else d.addRelation(cur.id, cur.members, cur.tags);
      cur = null;
    }
  };
  p.write(text).close();
  if (!sawOsm) throw new RoutingError('BAD_EXTRACT', 'not an OSM XML document (no <osm> root)');
  return d;
}
