/**
 * Ambulance speed and access profile: which OSM ways an ambulance may drive, in which direction,
 * at what speed. Pure functions over a way's tags; the graph builder calls them once per way.
 */
export type Tags = Record<string, string>;

export interface SpeedProfile {
  /** Profile name stored in the cache key and reported at /routing/info. */
  name: string;
  /** km/h per highway class when no usable maxspeed is tagged. A class absent here is not driven. */
  speedsKmh: Record<string, number>;
  /** Tagged maxspeed is a limit, not a travel speed: travel at this fraction of it. */
  maxspeedFactor: number;
  /** Upper bound on any travel speed, km/h. */
  maxSpeedKmh: number;
  /** km/h cap on ways tagged private/destination/delivery/customers: reachable, not through-routes. */
  restrictedAccessSpeedKmh: number;
  /** Drive highway=busway and ways closed to cars but open to bus/psv. */
  useBusWays: boolean;
}

/**
 * Defaults. Class speeds are OSRM's car.lua `speeds` table (Project-OSRM/osrm-backend profiles/car.lua,
 * unchanged since v5): an ambulance in Chinese cities rarely beats ordinary traffic by much
 * (sirens buy priority at junctions, not free-flow speed), so the car table is the honest start.
 * `maxspeedFactor` 0.8 is OSRM car.lua's `speed_reduction`. `busway` and `road` are ours:
 * busway at residential speed; `road` (unclassified-by-mapper) at 20 km/h.
 * `track`, `path`, `footway`, `cycleway`, `pedestrian`, `steps`, `bridleway` are not driven.
 */
export const AMBULANCE_PROFILE: SpeedProfile = {
  name: 'ambulance-v1',
  speedsKmh: {
    motorway: 90,
    motorway_link: 45,
    trunk: 85,
    trunk_link: 40,
    primary: 65,
    primary_link: 30,
    secondary: 55,
    secondary_link: 25,
    tertiary: 40,
    tertiary_link: 20,
    unclassified: 25,
    residential: 25,
    living_street: 10,
    service: 15,
    road: 20,
    busway: 25,
  },
  maxspeedFactor: 0.8,
  maxSpeedKmh: 120,
  restrictedAccessSpeedKmh: 15,
  useBusWays: true,
};

export type Access = 'yes' | 'restricted' | 'no';

const NO = new Set(['no', 'agricultural', 'forestry', 'use_sidepath', 'discouraged_no']);
const RESTRICTED = new Set(['private', 'destination', 'delivery', 'customers', 'permit']);
const YES = new Set(['yes', 'designated', 'permissive', 'official']);

function classify(v: string | undefined): Access | undefined {
  if (v === undefined) return undefined;
  const s = v.split(';')[0]!.trim();
  if (NO.has(s)) return 'no';
  if (RESTRICTED.has(s)) return 'restricted';
  if (YES.has(s)) return 'yes';
  return undefined;
}

/**
 * Access for an ambulance. Decision (documented in README): the most specific tag wins in the
 * order emergency > motorcar > motor_vehicle > vehicle > access; an explicit `emergency=yes` opens
 * any way. Ways closed to cars but open to `bus`/`psv` (bus lanes, bus-only roads) are open to
 * ambulances when `useBusWays`: Road Traffic Safety Law art. 53 frees emergency vehicles on duty
 * from route restrictions. private/destination stay reachable (gated residential compounds are the
 * usual incident address) but slow, so they are not used as shortcuts.
 */
export function accessOf(tags: Tags, profile: SpeedProfile): Access {
  const emergency = classify(tags['emergency']);
  if (emergency === 'yes' || emergency === 'restricted') return 'yes';
  if (emergency === 'no') return 'no';
  let car: Access | undefined;
  for (const k of ['motorcar', 'motor_vehicle', 'vehicle', 'access']) {
    car = classify(tags[k]);
    if (car !== undefined) break;
  }
  if (car === 'no' && profile.useBusWays) {
    if (classify(tags['bus']) === 'yes' || classify(tags['psv']) === 'yes') return 'yes';
  }
  return car ?? 'yes';
}

export interface WayRule {
  /** Highway class (key into speedsKmh). */
  cls: string;
  forward: boolean;
  backward: boolean;
  /** km/h per direction. */
  speedFwdKmh: number;
  speedBwdKmh: number;
}

/** Parse a maxspeed value to km/h; null for none/signals/unknown. */
export function parseMaxspeed(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const v = raw.split(';')[0]!.trim().toLowerCase();
  const m = /^(\d+(?:\.\d+)?)\s*(km\/h|kmh|kph|mph|knots)?$/.exec(v);
  if (m) {
    const n = Number(m[1]);
    if (!(n > 0)) return null;
    if (m[2] === 'mph') return n * 1.609344;
    if (m[2] === 'knots') return n * 1.852;
    return n;
  }
  if (v === 'walk') return 6;
  const zone = /^([a-z]{2}):([a-z_]+)$/.exec(v);
  if (zone) return implicitMaxspeed(zone[1]!, zone[2]!);
  return null;
}

/**
 * Implicit limits (`maxspeed=CN:urban` etc.). CN: Road Traffic Safety Law Implementing Regulations
 * art. 45 (urban with centre line 50, rural 70) and art. 78 (expressway 120). Others from the OSM
 * wiki "Default speed limits" page for the countries of the shipped extracts.
 */
const IMPLICIT: Record<string, Record<string, number>> = {
  cn: { urban: 50, rural: 70, motorway: 120, living_street: 10 },
  fr: { urban: 50, rural: 80, trunk: 110, motorway: 130, zone30: 30, walk: 6 },
  es: { urban: 50, rural: 90, motorway: 120, living_street: 20 },
  ad: { urban: 50, rural: 90 },
  mc: { urban: 50 },
  de: { urban: 50, rural: 100, living_street: 7, zone30: 30 },
};
function implicitMaxspeed(country: string, zone: string): number | null {
  return IMPLICIT[country]?.[zone] ?? null;
}

/** Direction flags: OSM oneway semantics, incl. implied ones (roundabouts, motorways). */
export function directionsOf(tags: Tags): { forward: boolean; backward: boolean } {
  if (tags['oneway:emergency'] === 'no') return { forward: true, backward: true };
  const ow = tags['oneway'];
  if (ow === 'yes' || ow === 'true' || ow === '1') return { forward: true, backward: false };
  if (ow === '-1' || ow === 'reverse') return { forward: false, backward: true };
  if (ow === 'no' || ow === 'false' || ow === '0') return { forward: true, backward: true };
  const j = tags['junction'];
  if (j === 'roundabout' || j === 'circular') return { forward: true, backward: false };
  const hw = tags['highway'];
  // OSM wiki: motorway implies oneway=yes; OSRM does the same for motorway_link.
  if (hw === 'motorway' || hw === 'motorway_link') return { forward: true, backward: false };
  return { forward: true, backward: true };
}

/** The drivable rule for a way, or null when an ambulance may not use it at all. */
export function wayRule(tags: Tags, profile: SpeedProfile): WayRule | null {
  const cls = tags['highway'];
  if (cls === undefined) return null;
  if (tags['area'] === 'yes') return null;
  let base = profile.speedsKmh[cls];
  // Ways not in the class table but explicitly opened to emergency vehicles (e.g. a pedestrian
  // street tagged emergency=yes) are driven at living-street speed.
  const access = accessOf(tags, profile);
  if (access === 'no') return null;
  if (base === undefined) {
    if (classify(tags['emergency']) !== 'yes' && classify(tags['motor_vehicle']) !== 'yes') return null;
    base = profile.speedsKmh['living_street'] ?? 10;
  }
  if (cls === 'busway' && !profile.useBusWays) return null;
  const { forward, backward } = directionsOf(tags);
  const both = parseMaxspeed(tags['maxspeed']);
  const speedFor = (dirTag: string): number => {
    const tagged = parseMaxspeed(tags[dirTag]) ?? both;
    let s = tagged !== null ? tagged * profile.maxspeedFactor : base!;
    s = Math.min(s, profile.maxSpeedKmh);
    if (access === 'restricted') s = Math.min(s, profile.restrictedAccessSpeedKmh);
    return s;
  };
  return { cls, forward, backward, speedFwdKmh: speedFor('maxspeed:forward'), speedBwdKmh: speedFor('maxspeed:backward') };
}

/** Stable digest of the profile for the cache key. */
export function profileKey(profile: SpeedProfile): string {
  const keys = Object.keys(profile.speedsKmh).sort();
  return JSON.stringify([profile.name, keys.map((k) => [k, profile.speedsKmh[k]]), profile.maxspeedFactor, profile.maxSpeedKmh, profile.restrictedAccessSpeedKmh, profile.useBusWays]);
}
