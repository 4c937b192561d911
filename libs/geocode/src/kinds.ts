import type { Tags } from '@rescue/routing';

/** What a found place is, as the console shows it (a dispatcher cares about hospitals and villages, not shop types). */
export const FEATURE_KINDS = [
  'hospital', 'clinic', 'school', 'police', 'fire_station',
  'city', 'town', 'village', 'hamlet', 'suburb', 'locality', 'admin',
  'road', 'address', 'poi',
] as const;
export type FeatureKind = (typeof FEATURE_KINDS)[number];

/** Prior weight of a kind in the ranking: where a call comes from is more often a town or a hospital than a bank. */
export const KIND_WEIGHT: Readonly<Record<FeatureKind, number>> = {
  city: 1.6, town: 1.45, admin: 1.3, hospital: 1.5, clinic: 1.2, police: 1.2, fire_station: 1.2,
  village: 1.25, suburb: 1.25, school: 1.15, hamlet: 1.1, locality: 1.0, road: 1.15, address: 1.1, poi: 0.9,
};

const PLACE_KIND: Readonly<Record<string, FeatureKind>> = {
  city: 'city', town: 'town', village: 'village', hamlet: 'hamlet', isolated_dwelling: 'hamlet',
  suburb: 'suburb', quarter: 'suburb', neighbourhood: 'suburb', borough: 'suburb', city_block: 'suburb',
  locality: 'locality', farm: 'locality', square: 'locality',
  county: 'admin', district: 'admin', municipality: 'admin', province: 'admin', state: 'admin', region: 'admin', township: 'town',
};

const HEALTH_HOSPITAL = new Set(['hospital']);
const HEALTH_CLINIC = new Set(['clinic', 'doctors', 'centre']);
const SCHOOLS = new Set(['school', 'kindergarten', 'college', 'university']);

/** The kind and the tag that made it (`amenity=hospital`), or null for a feature nobody searches for. */
export function kindOf(tags: Tags, isWay: boolean): { kind: FeatureKind; category: string } | null {
  const amenity = tags['amenity'], healthcare = tags['healthcare'], place = tags['place'];
  if (amenity === 'hospital' || (healthcare !== undefined && HEALTH_HOSPITAL.has(healthcare))) return { kind: 'hospital', category: amenity === 'hospital' ? 'amenity=hospital' : `healthcare=${healthcare}` };
  if ((amenity !== undefined && HEALTH_CLINIC.has(amenity)) || (healthcare !== undefined && HEALTH_CLINIC.has(healthcare))) {
    return { kind: 'clinic', category: amenity !== undefined && HEALTH_CLINIC.has(amenity) ? `amenity=${amenity}` : `healthcare=${healthcare}` };
  }
  if (amenity !== undefined && SCHOOLS.has(amenity)) return { kind: 'school', category: `amenity=${amenity}` };
  if (amenity === 'police') return { kind: 'police', category: 'amenity=police' };
  if (amenity === 'fire_station') return { kind: 'fire_station', category: 'amenity=fire_station' };
  if (place !== undefined) return { kind: PLACE_KIND[place] ?? 'locality', category: `place=${place}` };
  if (tags['boundary'] === 'administrative') return isWay ? null : { kind: 'admin', category: `admin_level=${tags['admin_level'] ?? '?'}` };
  if (isWay && tags['highway'] !== undefined) return { kind: 'road', category: `highway=${tags['highway']}` };
  if (tags['power'] !== undefined || tags['route'] !== undefined || tags['type'] === 'route') return null;
  for (const k of ['amenity', 'healthcare', 'emergency', 'tourism', 'shop', 'office', 'leisure', 'building', 'landuse', 'railway', 'public_transport', 'highway', 'aeroway', 'man_made', 'natural', 'waterway', 'historic', 'military', 'industrial', 'craft', 'sport']) {
    const v = tags[k];
    if (v !== undefined) return { kind: 'poi', category: `${k}=${v}` };
  }
  return { kind: 'poi', category: '' };
}
