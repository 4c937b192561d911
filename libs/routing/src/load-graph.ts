import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildGraph, GRAPH_FORMAT_VERSION, type ProgressFn } from './build-graph';
import { buildContractionHierarchy } from './contraction';
import { RoutingError } from './errors';
import type { RoadGraph } from './graph';
import { readGraphCache, writeGraphCache } from './graph-cache';
import { formatOf, parseOsm } from './osm/read-osm';
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
}

export interface LoadedGraph {
  graph: RoadGraph;
  /** Where it came from this time: a fresh build or the cache. */
  from: 'build' | 'cache';
  cachePath: string | null;
  /** Wall time of this load (hashing + cache read, or parse + build + cache write). */
  loadMs: number;
}

/** Cache file name: extract content hash + profile + format version, so any change rebuilds. */
export function cacheFileName(extractPath: string, sha256: string, profile: SpeedProfile): string {
  const key = createHash('sha256').update(`${sha256}|${profileKey(profile)}|${GRAPH_FORMAT_VERSION}`).digest('hex').slice(0, 16);
  return `${basename(extractPath).replace(/[^A-Za-z0-9._-]/g, '_')}.${key}.rcgraph`;
}

export function loadGraph(extractPath: string, opts: LoadOptions = {}): LoadedGraph {
  const t0 = performance.now();
  const profile = opts.profile ?? AMBULANCE_PROFILE;
  const format = formatOf(extractPath);
  if (!existsSync(extractPath)) throw new RoutingError('BAD_EXTRACT', `${extractPath}: no such file`);
  const bytes = readFileSync(extractPath);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const cacheDir = opts.cacheDir ?? null;
  const cachePath = cacheDir ? join(cacheDir, cacheFileName(extractPath, sha256, profile)) : null;
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
  opts.onProgress?.('parse', 0, bytes.length);
  const osm = parseOsm(bytes, format);
  opts.onProgress?.('parse', bytes.length, bytes.length);
  const graph = buildGraph(osm, profile, { source: extractPath, sourceSha256: sha256 }, opts.onProgress);
  if (opts.contract !== false) {
    opts.onProgress?.('contract', 0, graph.vertexCount);
    graph.ch = buildContractionHierarchy(graph, 'time');
    opts.onProgress?.('contract', graph.vertexCount, graph.vertexCount);
  }
  graph.meta.buildMs = performance.now() - t0;
  if (cachePath) writeGraphCache(cachePath, graph);
  return { graph, from: 'build', cachePath, loadMs: performance.now() - t0 };
}
