import { readFileSync } from 'node:fs';
import tinyosmpbf from 'tiny-osmpbf';
import { RoutingError } from '../errors';
import { OsmData } from './osm-data';
import { XmlScanner } from './xml-scan';

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

/** Parse a whole OSM XML document held in memory. */
export function parseXml(text: string): OsmData {
  const d = new OsmData();
  const scanner = new XmlScanner(d.visitor());
  scanner.write(text);
  scanner.close();
  return d;
}
