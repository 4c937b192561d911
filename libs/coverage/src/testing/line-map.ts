import { EARTH_RADIUS_M } from '@rescue/common';
import { AMBULANCE_PROFILE, buildGraph, parseXml, type RoadGraph } from '@rescue/routing';

/**
 * Hand-drawn maps for coverage specs, drawn on the equator so 0.001° of longitude is exactly
 * D metres of great circle: every expected time below is computable by hand.
 */
export const D = (EARTH_RADIUS_M * Math.PI) / 180 / 1000;
/** Seconds to drive m metres at kmh. */
export const secs = (m: number, kmh: number): number => m / (kmh / 3.6);
export const RESIDENTIAL_KMH = 25;

export interface HandWay {
  nodes: string;
  tags: Record<string, string>;
}

/** Nodes as letter → [lat, lon]; ways as strings of letters. */
export function handMap(nodes: Record<string, [number, number]>, ways: HandWay[]): RoadGraph {
  const id = (l: string): number => l.charCodeAt(0);
  const xml = ['<?xml version="1.0"?>', '<osm version="0.6">'];
  for (const [k, [lat, lon]] of Object.entries(nodes)) xml.push(`<node id="${id(k)}" lat="${lat}" lon="${lon}"/>`);
  ways.forEach((w, i) => {
    xml.push(`<way id="${i + 1}">`, ...[...w.nodes].map((n) => `<nd ref="${id(n)}"/>`), ...Object.entries(w.tags).map(([k, v]) => `<tag k="${k}" v="${v}"/>`), '</way>');
  });
  xml.push('</osm>');
  return buildGraph(parseXml(xml.join('\n')), AMBULANCE_PROFILE, { source: 'hand', sourceSha256: '' });
}
