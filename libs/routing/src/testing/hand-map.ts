import { EARTH_RADIUS_M } from '@rescue/common';
import { buildGraph } from '../build-graph';
import type { RoadGraph } from '../graph';
import { parseXml } from '../osm/read-osm';
import { AMBULANCE_PROFILE, type SpeedProfile } from '../profile';

/**
 * Tiny hand-drawn maps for specs. Nodes sit on the equator / meridian grid so a step of 0.001°
 * is exactly D metres of great circle (R·π/180·0.001 with R = 6 371 008.8 m): answers by hand.
 */
export const D = (EARTH_RADIUS_M * Math.PI) / 180 / 1000;

/** Seconds to drive `m` metres at `kmh`. */
export const secs = (m: number, kmh: number): number => m / (kmh / 3.6);

export interface HandWay {
  id: number;
  /** Node letters in order, e.g. 'abc'. */
  nodes: string;
  tags: Record<string, string>;
}
export interface HandRestriction {
  id: number;
  restriction: string;
  from: number;
  via: string;
  to: number;
}

export const nodeId = (letter: string): number => letter.charCodeAt(0);

/** Render as OSM XML so specs exercise the real parser. Coordinates are [lat, lon] in degrees. */
export function handOsmXml(nodes: Record<string, [number, number]>, ways: HandWay[], restrictions: HandRestriction[] = []): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="hand">'];
  for (const [k, [lat, lon]] of Object.entries(nodes)) lines.push(`<node id="${nodeId(k)}" lat="${lat}" lon="${lon}"/>`);
  for (const w of ways) {
    lines.push(`<way id="${w.id}">`);
    for (const n of w.nodes) lines.push(`<nd ref="${nodeId(n)}"/>`);
    for (const [k, v] of Object.entries(w.tags)) lines.push(`<tag k="${esc(k)}" v="${esc(v)}"/>`);
    lines.push('</way>');
  }
  for (const r of restrictions) {
    lines.push(`<relation id="${r.id}">`, `<member type="way" ref="${r.from}" role="from"/>`, `<member type="node" ref="${nodeId(r.via)}" role="via"/>`);
    lines.push(`<member type="way" ref="${r.to}" role="to"/>`, '<tag k="type" v="restriction"/>', `<tag k="restriction" v="${r.restriction}"/>`, '</relation>');
  }
  lines.push('</osm>');
  return lines.join('\n');
}

export function handGraph(nodes: Record<string, [number, number]>, ways: HandWay[], restrictions: HandRestriction[] = [], profile: SpeedProfile = AMBULANCE_PROFILE): RoadGraph {
  return buildGraph(parseXml(handOsmXml(nodes, ways, restrictions)), profile, { source: 'hand', sourceSha256: '' });
}
