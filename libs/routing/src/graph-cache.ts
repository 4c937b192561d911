import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RoutingError } from './errors';
import type { ContractionHierarchy } from './contraction';
import type { GraphMeta, RoadGraph } from './graph';

/**
 * Binary layout: "RCGRAPH\0", u32 header length, JSON header (meta, scalars, array table), then
 * each typed array 8-byte aligned. Loading is one read plus typed-array views: no parsing.
 */
const MAGIC = 'RCGRAPH\0';

type Arr = Float64Array | Int32Array | Uint8Array;
const ARRAYS = [
  'vLat', 'vLon', 'vOsmId', 'fwdStart', 'eSrc', 'eDst', 'eTime', 'eDist', 'eChain', 'eDir', 'revStart', 'revEdge', 'vComp',
  'cFrom', 'cTo', 'cWayId', 'cLength', 'cShapeStart', 'cEdgeStart', 'cEdges', 'sLat', 'sLon', 'sCum',
] as const;
type ArrayName = (typeof ARRAYS)[number];
const CTOR = { f64: Float64Array, i32: Int32Array, u8: Uint8Array } as const;
type Kind = keyof typeof CTOR;
const kindOf = (a: Arr): Kind => (a instanceof Float64Array ? 'f64' : a instanceof Int32Array ? 'i32' : 'u8');

const CH_ARRAYS = ['rank', 'upStart', 'upTo', 'upW', 'upO', 'dnStart', 'dnFrom', 'dnW', 'dnO'] as const;

interface Header {
  meta: GraphMeta;
  ch: { optimize: ContractionHierarchy['optimize']; shortcuts: number; buildMs: number } | null;
  projCos: number;
  grid: { minX: number; minY: number; cellM: number; cols: number; rows: number };
  arrays: { name: string; kind: Kind; offset: number; length: number }[];
}

export function writeGraphCache(path: string, g: RoadGraph): void {
  const arrays: [string, Arr][] = ARRAYS.map((n) => [n, g[n]] as [string, Arr]);
  arrays.push(['gridCellStart', g.index.cellStart], ['gridCellItems', g.index.cellItems]);
  if (g.ch) for (const n of CH_ARRAYS) arrays.push([`ch.${n}`, g.ch[n]]);
  const table: Header['arrays'] = [];
  let offset = 0;
  for (const [name, a] of arrays) {
    table.push({ name, kind: kindOf(a), offset, length: a.length });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const { cellStart: _s, cellItems: _i, ...grid } = g.index;
  const ch = g.ch ? { optimize: g.ch.optimize, shortcuts: g.ch.shortcuts, buildMs: g.ch.buildMs } : null;
  const header: Header = { meta: g.meta, ch, projCos: g.projCos, grid, arrays: table };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headLen = Math.ceil((MAGIC.length + 4 + json.length) / 8) * 8;
  const buf = Buffer.alloc(headLen + offset);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(json.length, MAGIC.length);
  json.copy(buf, MAGIC.length + 4);
  arrays.forEach(([, a], i) => {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(buf, headLen + table[i]!.offset);
  });
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename, so a crash mid-write never leaves a truncated cache that looks valid.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, buf);
  renameSync(tmp, path);
}

export function readGraphCache(path: string): RoadGraph {
  const file = readFileSync(path);
  if (file.length < 12 || file.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new RoutingError('BAD_CACHE', `${path}: not a graph cache`);
  }
  const jsonLen = file.readUInt32LE(MAGIC.length);
  let header: Header;
  try {
    header = JSON.parse(file.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + jsonLen)) as Header;
  } catch {
    throw new RoutingError('BAD_CACHE', `${path}: unreadable header`);
  }
  const headLen = Math.ceil((MAGIC.length + 4 + jsonLen) / 8) * 8;
  // Typed-array views need an 8-aligned base; a fresh copy guarantees it whatever Buffer pooling did.
  const base = file.byteOffset % 8 === 0 ? file : Buffer.from(file);
  const views = new Map<string, Arr>();
  for (const a of header.arrays) {
    const start = base.byteOffset + headLen + a.offset;
    const bytes = a.length * CTOR[a.kind].BYTES_PER_ELEMENT;
    if (headLen + a.offset + bytes > base.length) throw new RoutingError('BAD_CACHE', `${path}: truncated at ${a.name}`);
    views.set(a.name, new CTOR[a.kind](base.buffer, start, a.length));
  }
  const get = <T extends Arr>(name: string): T => {
    const v = views.get(name);
    if (!v) throw new RoutingError('BAD_CACHE', `${path}: missing ${name}`);
    return v as T;
  };
  const arrs = Object.fromEntries(ARRAYS.map((n) => [n, get(n)])) as { [K in ArrayName]: RoadGraph[K] };
  const ch: ContractionHierarchy | undefined = header.ch
    ? ({ ...header.ch, ...Object.fromEntries(CH_ARRAYS.map((n) => [n, get(`ch.${n}`)])) } as ContractionHierarchy)
    : undefined;
  return {
    ...(ch ? { ch } : {}),
    meta: header.meta,
    vertexCount: arrs.vLat.length,
    edgeCount: arrs.eSrc.length,
    chainCount: arrs.cFrom.length,
    ...arrs,
    index: { ...header.grid, cellStart: get<Int32Array>('gridCellStart'), cellItems: get<Int32Array>('gridCellItems') },
    projCos: header.projCos,
  };
}
