import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { SAXParser } from 'sax';
import { RoutingError } from '../errors';
import type { OsmMember, OsmVisitor } from './osm-visitor';

/** SAX over OSM XML (API 0.6 format), fed text in any pieces; elements are self-describing. */
export class XmlScanner {
  private readonly p = new SAXParser(true, { trim: true });
  private sawOsm = false;

  constructor(v: OsmVisitor) {
    let cur: { kind: 'way' | 'relation'; id: number; refs: number[]; members: OsmMember[]; tags: Record<string, string> } | null = null;
    let node: { id: number; lat: number; lon: number; tags: Record<string, string> } | null = null;
    this.p.onerror = (err) => {
      throw new RoutingError('BAD_EXTRACT', `malformed OSM XML: ${err.message.split('\n')[0]}`);
    };
    this.p.onopentag = (tag) => {
      const a = tag.attributes as Record<string, string>;
      switch (tag.name) {
        case 'osm':
          this.sawOsm = true;
          break;
        case 'node':
          if (a['action'] !== 'delete') {
            const id = Number(a['id']), lat = Number(a['lat']), lon = Number(a['lon']);
            v.node?.(id, lat, lon);
            if (v.taggedNode) node = { id, lat, lon, tags: {} };
          }
          break;
        case 'way':
        case 'relation': {
          const wanted = tag.name === 'way' ? v.way : v.relation;
          cur = a['action'] === 'delete' || !wanted ? null : { kind: tag.name, id: Number(a['id']), refs: [], members: [], tags: {} };
          break;
        }
        case 'nd':
          cur?.refs.push(Number(a['ref']));
          break;
        case 'member':
          cur?.members.push({ type: a['type'] ?? '', ref: Number(a['ref']), role: a['role'] ?? '' });
          break;
        case 'tag':
          if (a['k'] === undefined) break;
          if (cur) cur.tags[a['k']] = a['v'] ?? '';
          else if (node) node.tags[a['k']] = a['v'] ?? '';
          break;
      }
    };
    this.p.onclosetag = (name) => {
      if (name === 'node' && node) {
        if (Object.keys(node.tags).length > 0) v.taggedNode?.(node.id, node.lat, node.lon, node.tags);
        node = null;
      }
      if ((name === 'way' || name === 'relation') && cur) {
        if (cur.kind === 'way') v.way?.(cur.id, cur.refs, cur.tags);
        else v.relation?.(cur.id, cur.members, cur.tags);
        cur = null;
      }
    };
  }

  write(text: string): void {
    this.p.write(text);
  }

  close(): void {
    this.p.close();
    if (!this.sawOsm) throw new RoutingError('BAD_EXTRACT', 'not an OSM XML document (no <osm> root)');
  }
}

/** One pass over an XML file read in 1 MB pieces; onBytes reports how far it got. */
export function scanXmlFile(path: string, v: OsmVisitor, onBytes?: (done: number) => void): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new RoutingError('BAD_EXTRACT', `cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const scanner = new XmlScanner(v);
    const decoder = new StringDecoder('utf8');
    const buf = Buffer.allocUnsafe(1 << 20);
    let done = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, done);
      if (n === 0) break;
      done += n;
      scanner.write(decoder.write(buf.subarray(0, n)));
      onBytes?.(done);
    }
    scanner.write(decoder.end());
    scanner.close();
  } finally {
    closeSync(fd);
  }
}
