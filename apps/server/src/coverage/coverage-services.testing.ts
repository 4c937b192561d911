import { EARTH_RADIUS_M } from '@rescue/common';
import { loadConfig } from '@rescue/config';
import { type AreaClassifier, type DemandSet, parseRule, uniformClassifier } from '@rescue/coverage';
import type { StationRow } from '@rescue/persistence';
import { AMBULANCE_PROFILE, buildGraph, parseXml } from '@rescue/routing';
import { CoverageInputs } from './coverage-inputs';

/*
 * The hand-drawn street of the coverage specs, for the use-case services:
 *   p0 --- p1 --- p2 --- p3 --- p4      on the equator, 0.01° (≈1.1 km) apart; demand weight 1..5
 *   S1 at p0, S2 at p4                  two registered stations
 * A rule of 1.2 steps at residential speed: a site covers its own point and its neighbours.
 */
const STEP_M = (EARTH_RADIUS_M * Math.PI) / 180 / 100; // 0.01° of great circle
const RESIDENTIAL_MS = 25 / 3.6; // the ambulance profile's residential speed
export const street = buildGraph(
  parseXml(
    '<osm version="0.6">' +
      [0, 1, 2, 3, 4].map((i) => `<node id="${i + 1}" lat="0" lon="${i * 0.01}"/>`).join('') +
      '<way id="1">' + [1, 2, 3, 4, 5].map((n) => `<nd ref="${n}"/>`).join('') + '<tag k="highway" v="residential"/></way></osm>',
  ),
  AMBULANCE_PROFILE,
  { source: 'street', sourceSha256: '' },
);
export const rule = parseRule({ id: 'h', limits: { '*': { maxTimeS: (1.2 * STEP_M) / RESIDENTIAL_MS } } });
export const demand: DemandSet = { kind: 'weighted', unit: 'w', source: 'h', points: [1, 2, 3, 4, 5].map((w, i) => ({ id: `p${i}`, lat: 0, lon: i * 0.01, weight: w })) };
export const STATIONS: StationRow[] = [
  { id: 'S1', name: '一号站', lat: 0, lon: 0, areaClass: 'urban' },
  { id: 'S2', name: '二号站', lat: 0, lon: 0.04, areaClass: 'urban' },
];
export const config = loadConfig({ ROUTING_SNAP_MAX_M: '50', STALE_AFTER_S: '120' });

/** CoverageInputs on the street, with the spec's demand and one area class instead of the extract's. */
export class StreetInputs extends CoverageInputs {
  constructor(registry: { stations(): Promise<StationRow[]> } | null = { stations: async () => STATIONS }, tasks: ConstructorParameters<typeof CoverageInputs>[3] = null) {
    super(config, { graph: street }, registry, tasks);
  }
  override demand(custom: DemandSet | null): DemandSet {
    return custom ?? demand;
  }
  override areas(custom: unknown): AreaClassifier {
    return custom === null || custom === undefined ? uniformClassifier('x') : super.areas(custom);
  }
}
