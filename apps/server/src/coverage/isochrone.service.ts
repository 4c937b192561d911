import { OSM_ATTRIBUTION, placeSiteOrThrow, stationIsochrones } from '@rescue/coverage';
import type { CoverageInputs } from './coverage-inputs';
import type { StationParam } from './coverage-request';

const round = (x: number): number => Math.round(x * 100) / 100;

/** Isochrones of one station (or any point): the areas reached within each limit, as GeoJSON. */
export class IsochroneService {
  constructor(private readonly inputs: CoverageInputs) {}

  async isochrones(station: StationParam, minutes: number[], network: boolean) {
    const site = await this.inputs.siteOf(station);
    const g = this.inputs.graph;
    const placed = placeSiteOrThrow(g, site, this.inputs.config.routingSnapMaxM);
    const iso = stationIsochrones(g, placed, minutes, { network });
    return {
      type: 'FeatureCollection' as const,
      features: iso.features,
      properties: { station: site.id, minutes, searchMs: round(iso.searchMs), polygonMs: round(iso.polygonMs), attribution: OSM_ATTRIBUTION },
    };
  }
}
