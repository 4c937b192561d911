/**
 * Physical ranges of fix fields; a number outside them is out_of_range (a terminal bug or a unit
 * error), not a fix to keep. Wide on purpose: they catch nonsense, the filters catch implausibility.
 */
export const RANGES = {
  lat: [-90, 90],
  lon: [-180, 180],
  /** km/h: ambulance helicopters fly < 350 km/h; anything above 1000 is a unit error (m/s vs km/h ×3.6 is caught by the speed check). */
  speedKmh: [0, 1000],
  headingDeg: [0, 360],
  /** m: phones report up to a few km for cell-tower fixes. */
  accuracyM: [0, 100_000],
  /** m: Dead Sea shore −430 m, highest Tibetan road ~5,600 m, helicopters below 6,000 m. */
  altitudeM: [-1000, 10_000],
} as const satisfies Record<string, readonly [number, number]>;

export type RangedField = keyof typeof RANGES;
