import { DomainError } from '@rescue/common';
import { join } from 'node:path';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '@rescue/config';
import { loadGraph, type MatchOptions, type MatchResult, matchTrack, type Optimize, type RoadGraph, route, type RouteResult, snap, type SnappedPoint, type TrackPoint } from '@rescue/routing';
import { APP_CONFIG } from '../config.module';

export interface RoutingInfo {
  extract: string;
  bbox: [number, number, number, number];
  nodes: number;
  edges: number;
  profile: string;
  buildMs: number;
  builtAt: string;
  loadedFrom: 'build' | 'cache';
  loadMs: number;
  restrictions: { applied: number; skipped: number };
  /**
   * Strongly connected components; vertices outside the largest (main network) lie on cut-off road
   * pieces, which snapping avoids (a point whose only nearby road is cut off gets SNAP_TOO_FAR).
   */
  network: { components: number; verticesOutsideMain: number };
  attribution: string;
}

/** Which travel times a query uses: the static profile, or learned ones of a time slot and trip kind. */
export interface TravelTimes {
  profile: 'static' | 'learned';
  /** Learned model version, hour of the week (local) and trip kind, when learned. */
  version?: number;
  hourOfWeek?: number;
  kind?: 'emergency' | 'other';
}

/** Gives the graph with learned times for a moment and trip kind, or null while no model exists. */
export type LearnedTimesProvider = (atMs: number, kind: 'emergency' | 'other') => { graph: RoadGraph; times: TravelTimes } | null;

export class NoLearnedModelError extends DomainError<'NO_LEARNED_MODEL'> {
  constructor(message: string) {
    super('NO_LEARNED_MODEL', message);
  }
}

/** Owns the road graph of the configured region: loaded once at start-up, shared by every module. */
@Injectable()
export class RoutingService implements OnModuleInit {
  private readonly log = new Logger(RoutingService.name);
  private g: RoadGraph | null = null;
  private loaded: { from: 'build' | 'cache'; loadMs: number } | null = null;
  private learned: LearnedTimesProvider | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    const cacheDir = this.config.routingGraphCache ? join(this.config.dataDir, 'graph-cache') : null;
    const r = loadGraph(this.config.osmExtract, { cacheDir });
    this.g = r.graph;
    this.loaded = { from: r.from, loadMs: r.loadMs };
    const m = r.graph.meta;
    this.log.log(
      `road graph ${this.config.osmExtract}: ${r.graph.vertexCount} vertices, ${r.graph.edgeCount} edges, ` +
        `bbox ${m.bbox.map((x) => x.toFixed(4)).join(',')}, ${r.from === 'cache' ? 'from cache' : 'built'} in ${r.loadMs.toFixed(0)} ms`,
    );
  }

  /** The loaded graph, for dispatch and coverage. */
  get graph(): RoadGraph {
    if (!this.g) throw new Error('road graph not loaded yet');
    return this.g;
  }

  info(): RoutingInfo {
    const g = this.graph;
    const m = g.meta;
    return {
      extract: this.config.osmExtract,
      bbox: m.bbox,
      nodes: g.vertexCount,
      edges: g.edgeCount,
      profile: m.profileName,
      buildMs: Math.round(m.buildMs),
      builtAt: m.builtAt,
      loadedFrom: this.loaded!.from,
      loadMs: Math.round(this.loaded!.loadMs),
      restrictions: { applied: m.restrictionsApplied, skipped: m.restrictionsSkipped },
      network: { components: m.components, verticesOutsideMain: m.verticesOutsideMain },
      attribution: '© OpenStreetMap contributors, ODbL 1.0',
    };
  }

  /** Snap with the configured limit; throws RoutingError SNAP_TOO_FAR beyond it. */
  snap(lat: number, lon: number, headingDeg?: number): SnappedPoint {
    return snap(this.graph, lat, lon, { maxDistanceM: this.config.routingSnapMaxM, ...(headingDeg === undefined ? {} : { headingDeg }) });
  }

  /** The learning module registers how to get learned travel times (routing cannot import it: cycle). */
  useLearnedTimes(provider: LearnedTimesProvider): void {
    this.learned = provider;
  }

  /** The graph whose eTime are the requested travel times (the loaded one for the static profile). */
  travelTimes(profile: 'static' | 'learned', atMs: number, kind: 'emergency' | 'other'): { graph: RoadGraph; times: TravelTimes } {
    if (profile === 'static') return { graph: this.graph, times: { profile: 'static' } };
    const r = this.learned?.(atMs, kind) ?? null;
    if (!r) throw new NoLearnedModelError('no learned-speed model yet: it is built from matched fleet tracks (POST /routing/learning/runs)');
    return r;
  }

  route(from: [number, number], to: [number, number], optimize: Optimize, profile: 'static' | 'learned' = 'static', atMs = Date.now(), kind: 'emergency' | 'other' = 'emergency'): Omit<RouteResult, 'edges'> & { travelTimes: TravelTimes } {
    const a = this.snap(from[0], from[1]);
    const b = this.snap(to[0], to[1]);
    const { graph, times } = this.travelTimes(profile, atMs, kind);
    const { edges: _edges, ...r } = route(graph, a, b, { optimize });
    return { ...r, travelTimes: times };
  }

  /** Map-match a track (already validated at the edge) onto the loaded graph. */
  match(points: TrackPoint[], options: MatchOptions): MatchResult & { elapsedMs: number } {
    const t0 = performance.now();
    const r = matchTrack(this.graph, points, options);
    const elapsedMs = performance.now() - t0;
    this.log.log(`match: ${points.length} fixes → ${r.segments.length} segment(s), ${Math.round(r.distanceM)} m, ${r.unmatched.length} unmatched, σ ${r.sigmaM.toFixed(1)} m, ${elapsedMs.toFixed(0)} ms`);
    return { ...r, elapsedMs: Math.round(elapsedMs * 10) / 10 };
  }
}
