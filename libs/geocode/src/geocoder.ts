import { haversineM } from '@rescue/common';
import { type ExtractPlaces, type ExtractProgress, type GeoFeature, readPlaces, readPlacesAsync } from './extract';
import type { FeatureKind } from './kinds';
import { PlaceIndex } from './place-index';
import { type NearestRoad, RoadIndex } from './road-index';

const SETTLEMENTS: ReadonlySet<FeatureKind> = new Set(['city', 'town', 'village', 'hamlet', 'suburb', 'locality']);

export interface GeocoderStats {
  features: number;
  roads: number;
  roadSegments: number;
  byKind: Partial<Record<FeatureKind, number>>;
  buildMs: number;
}

export interface ReverseResult {
  road: NearestRoad | null;
  /** The nearest settlement (village, town, suburb…) within placeMaxM, for "near 某某村". */
  place: { feature: GeoFeature; distanceM: number } | null;
}

/** Search and reverse lookup over one extract, built from its file. */
export class Geocoder {
  private readonly settlements: GeoFeature[];

  constructor(readonly places: PlaceIndex, readonly roads: RoadIndex, readonly stats: GeocoderStats) {
    this.settlements = places.features.filter((f) => SETTLEMENTS.has(f.kind));
  }

  static fromExtract(path: string, onProgress?: ExtractProgress): Geocoder {
    const t0 = performance.now();
    const x = readPlaces(path, onProgress);
    return Geocoder.assemble(x, PlaceIndex.build(x.features), t0);
  }

  /** fromExtract with the event loop running between the passes and the index chunks (for a server). */
  static async fromExtractAsync(path: string, onProgress?: ExtractProgress): Promise<Geocoder> {
    const t0 = performance.now();
    const x = await readPlacesAsync(path, onProgress);
    return Geocoder.assemble(x, await PlaceIndex.buildAsync(x.features), t0);
  }

  private static assemble(x: ExtractPlaces, places: PlaceIndex, t0: number): Geocoder {
    const roads = new RoadIndex(x.roads);
    const byKind: Partial<Record<FeatureKind, number>> = {};
    for (const f of x.features) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
    return new Geocoder(places, roads, { features: x.features.length, roads: x.roads.length, roadSegments: roads.segments, byKind, buildMs: performance.now() - t0 });
  }

  reverse(lat: number, lon: number, roadMaxM: number, placeMaxM = 5000): ReverseResult {
    let place: ReverseResult['place'] = null;
    for (const f of this.settlements) {
      if (Math.abs(f.lat - lat) > placeMaxM / 111_000) continue;
      const d = haversineM(lat, lon, f.lat, f.lon);
      if (d <= placeMaxM && (place === null || d < place.distanceM)) place = { feature: f, distanceM: d };
    }
    return { road: this.roads.nearest(lat, lon, roadMaxM), place };
  }
}
