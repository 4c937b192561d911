import { EARTH_RADIUS_M } from '@rescue/common';
import { RouteMover } from './route-mover';

// On the equator 0.001° of longitude, and anywhere 0.001° of latitude, is D metres of great circle.
const D = (EARTH_RADIUS_M * Math.PI) / 180 / 1000;

describe('RouteMover', () => {
  // East 2 steps, then north 1 step: an L of 3·D metres.
  const L: [number, number][] = [[0, 0], [0.001, 0], [0.002, 0], [0.002, 0.001]];

  it('measures the line and drives it at the constant speed that takes the duration', () => {
    const m = new RouteMover(L, { durationS: 30 });
    expect(m.lengthM).toBeCloseTo(3 * D, 6);
    expect(m.durationS).toBeCloseTo(30, 9);
    const half = m.at(15);
    expect(half.alongM).toBeCloseTo(1.5 * D, 6);
    expect(half.lon).toBeCloseTo(0.0015, 9);
    expect(half.lat).toBeCloseTo(0, 9);
    expect(half.speedKmh).toBeCloseTo(((3 * D) / 30) * 3.6, 6);
    expect(half.done).toBe(false);
  });

  it('gives the heading of the segment driven: east, then north after the corner', () => {
    const m = new RouteMover(L, { durationS: 30 });
    expect(m.at(0).headingDeg).toBeCloseTo(90, 6);
    expect(m.at(19).headingDeg).toBeCloseTo(90, 6);
    expect(m.at(21).headingDeg).toBeCloseTo(0, 6);
    // exactly at the corner the vehicle is already turned onto the next segment
    expect(m.at(20).headingDeg).toBeCloseTo(0, 6);
    const sw = new RouteMover([[0.001, 0.001], [0, 0]], { durationS: 10 });
    expect(sw.at(5).headingDeg).toBeCloseTo(225, 6);
  });

  it('stops at the end: last point, last heading, speed 0, done; before the start it waits at the first point', () => {
    const m = new RouteMover(L, { durationS: 30 });
    for (const t of [30, 31, 1e6]) {
      const s = m.at(t);
      expect(s.done).toBe(true);
      expect(s.lon).toBeCloseTo(0.002, 12);
      expect(s.lat).toBeCloseTo(0.001, 12);
      expect(s.headingDeg).toBeCloseTo(0, 6);
      expect(s.speedKmh).toBe(0);
      expect(s.alongM).toBeCloseTo(3 * D, 6);
    }
    const before = m.at(-5);
    expect(before.lon).toBe(0);
    expect(before.alongM).toBe(0);
  });

  it('drives each piece at its own speed and timeAt inverts distanceAt', () => {
    // first D at 10 m/s, the remaining 2·D at 20 m/s
    const m = new RouteMover(L, { pieces: [{ untilM: D, speedMps: 10 }, { untilM: Number.MAX_VALUE, speedMps: 20 }] });
    expect(m.durationS).toBeCloseTo(D / 10 + (2 * D) / 20, 9);
    expect(m.at(D / 20).alongM).toBeCloseTo(D / 2, 6); // halfway through the slow piece
    expect(m.at(D / 20).speedKmh).toBeCloseTo(36, 9);
    expect(m.at(D / 10 + D / 20).alongM).toBeCloseTo(2 * D, 6); // one D into the fast piece
    expect(m.at(D / 10 + D / 20).speedKmh).toBeCloseTo(72, 9);
    for (const d of [0, 10, D, D + 1, 2.5 * D, 3 * D]) expect(m.distanceAt(m.timeAt(d))).toBeCloseTo(d, 6);
  });

  it('skips repeated points (no zero-length segment without a heading) and handles a single point', () => {
    const m = new RouteMover([[0, 0], [0, 0], [0.001, 0], [0.001, 0]], { durationS: 10 });
    expect(m.lengthM).toBeCloseTo(D, 6);
    expect(m.at(10).headingDeg).toBeCloseTo(90, 6);
    const p = new RouteMover([[1.5, 42.5]], { durationS: 5 });
    expect(p.lengthM).toBe(0);
    expect(p.at(0)).toMatchObject({ lat: 42.5, lon: 1.5, done: true });
  });

  it('refuses a line it cannot pace', () => {
    expect(() => new RouteMover([], { durationS: 1 })).toThrow();
    expect(() => new RouteMover(L, {})).toThrow(/speed pieces or a positive duration/);
  });
});
