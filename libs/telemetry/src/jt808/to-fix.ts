import type { FixCandidate, Fix } from '../types';
import type { Jt808Location } from './types';

/**
 * A JT/T 808 location as our fix: signs from the south/west bits, the Beijing time already turned into
 * UTC by the decoder, 0.1 km/h → km/h, direction → heading. Accuracy is not in the fixed part of
 * 0x0200, so it is null. (The unitId comes from the terminal's registration, not from the frame.)
 */
export function jt808LocationToFix(loc: Jt808Location, unitId: string): Fix {
  return {
    unitId,
    ts: loc.ts,
    lat: loc.lat,
    lon: loc.lon,
    speedKmh: loc.speedKmh,
    headingDeg: loc.directionDeg,
    accuracyM: null,
    altitudeM: loc.altitudeM,
    stepM: 0,
  };
}

/**
 * The same, ready for TelemetryPipeline.processFixes: a report flagged "not positioned" is refused
 * there (no_gnss_fix), and coordinates that went through the national confidentiality plug-in
 * (status bit 5) are taken as GCJ-02 and converted back to WGS-84.
 */
export function jt808LocationToCandidate(loc: Jt808Location, unitId: string, raw: string): FixCandidate {
  return {
    fix: jt808LocationToFix(loc, unitId),
    crs: loc.encryptedCoordinates ? 'GCJ02' : 'WGS84',
    gnssValid: loc.positioned,
    raw,
  };
}
