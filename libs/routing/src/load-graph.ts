import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildGraph, GRAPH_FORMAT_VERSION, type ProgressFn } from './build-graph';
import { buildContractionHierarchy } from './contraction';
import { RoutingError } from './errors';
import type { RoadGraph } from './graph';
import { readGraphCache, writeGraphCache } from './graph-cache';
import type { Clip } from './osm/clip';
import { formatOf } from './osm/read-osm';
import { importRoads } from './osm/stream-import';
import { AMBULANCE_PROFILE, profileKey, type SpeedProfile } from './profile';

export interface LoadOptions {
  /** Directory for cached graphs; null disables the cache. */
  cacheDir?: string | null;
  profile?: SpeedProfile;
  /** Also build the contraction hierarchy (fast many-to-one); default true. */
  contract?: boolean;
  /** Rebuild even when a cache entry exists. */
  rebuild?: boolean;
  onProgress?: ProgressFn;
  /** Keep only the part of the extract inside this area (cut while reading). */
  clip?: Clip;
}

export interface LoadedGraph {
  graph: RoadGraph;
  /** Where it came from this time: a fresh build or the cache. */
  from: 'build' | 'cache';
  cachePath: string | null;
  /** Wall time of this load (hashing + cache read, or parse + build + cache write). */
  loadMs: number;
}

/** Cache file name: extract content hash + profile + clip + format version, so any change rebuilds. */
export function cacheFileName(extractPath: string, sha256: string, profile: SpeedProfile, clip?: Clip): string {
  const clipPart = clip ? `|${clip.key}` : '';
  const key = createHash('sha256').update(`${sha256}|${profileKey(profile)}|${GRAPH_FORMAT_VERSION}${clipPart}`).digest('hex').slice(0, 16);
  return `${basename(extractPath).replace(/[^A-Za-z0-9._-]/g, '_')}.${key}.rcgraph`;
}

export function loadGraph(extractPath: string, opts: LoadOptions = {}): LoadedGraph {
  const t0 = performance.now();
  const profile = opts.profile ?? AMBULANCE_PROFILE;
  formatOf(extractPath);
  if (!existsSync(extractPath)) throw new RoutingError('BAD_EXTRACT', `${extractPath}: no such file`);
  const sha256 = fileSha256(extractPath);
  const cacheDir = opts.cacheDir ?? null;
  const cachePath = cacheDir ? join(cacheDir, cacheFileName(extractPath, sha256, profile, opts.clip)) : null;
  if (cachePath && !opts.rebuild && existsSync(cachePath)) {
    try {
      const graph = readGraphCache(cachePath);
      if (graph.meta.sourceSha256 === sha256 && graph.meta.formatVersion === GRAPH_FORMAT_VERSION && (graph.ch !== undefined || opts.contract === false)) {
        opts.onProgress?.('cache', 1, 1);
        return { graph, from: 'cache', cachePath, loadMs: performance.now() - t0 };
      }
    } catch (e) {
      if (!(e instanceof RoutingError)) throw e;
      // A bad cache entry is rebuilt and overwritten below.
    }
  }
  const roads = importRoads(extractPath, profile, { ...(opts.clip ? { clip: opts.clip } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  const graph = buildGraph(roads, profile, { source: extractPath, sourceSha256: sha256 }, opts.onProgress);
  if (opts.clip) graph.meta.clip = opts.clip.key;
  if (opts.contract !== false) {
    opts.onProgress?.('contract', 0, graph.vertexCount);
    graph.ch = buildContractionHierarchy(graph, 'time');
    opts.onProgress?.('contract', graph.vertexCount, graph.vertexCount);
  }
  graph.meta.buildMs = performance.now() - t0;
  if (cachePath) writeGraphCache(cachePath, graph);
  return { graph, from: 'build', cachePath, loadMs: performance.now() - t0 };
}

/** SHA-256 of a file read in 1 MB pieces (a province file is not held to be hashed). */
function fileSha256(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let pos = 0; ; ) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}
