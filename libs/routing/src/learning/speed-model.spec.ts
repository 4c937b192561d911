import { D, handGraph } from '../testing/hand-map';
import { dayTypeHour, hourOfWeek } from './slots';
import { toEvidence } from './evidence';
import { SpeedModel, type SpeedEvidence } from './speed-model';

/*
 *          d
 *          |
 *   a ---- b ---- c      primary a-b-c and b-d, two-way, D each: six directed edges
 */
const g = handGraph({ a: [0, 0], b: [0, 0.001], c: [0, 0.002], d: [0.001, 0.001] }, [
  { id: 1, nodes: 'abc', tags: { highway: 'primary' } },
  { id: 2, nodes: 'bd', tags: { highway: 'primary' } },
]);
const ab = [...Array(g.edgeCount).keys()].find((e) => g.vLon[g.eSrc[e]!] === 0 && g.vLon[g.eDst[e]!]! > 0)!;
const bc = [...Array(g.edgeCount).keys()].find((e) => g.vLon[g.eSrc[e]!]! > 0.0005 && g.vLon[g.eDst[e]!]! > 0.0015)!;

const MON_8 = 8; // Monday 08:00–08:59
const ev = (edge: number, how: number, kind: 'emergency' | 'other', n: number, factor: number): SpeedEvidence => ({
  edge,
  hourOfWeek: how,
  kind,
  distanceM: n * g.eDist[edge]!,
  durationS: n * g.eTime[edge]! * factor,
  traversals: n,
});

describe('time slots', () => {
  it('hour of the week in China time (UTC+8), Monday 00:00 first', () => {
    expect(hourOfWeek(Date.UTC(2026, 0, 5, 0, 30))).toBe(8); // Mon 2026-01-05 08:30 in Beijing
    expect(hourOfWeek(Date.UTC(2026, 0, 4, 16, 0))).toBe(0); // Sun 16:00 UTC = Mon 00:00 Beijing
    expect(hourOfWeek(Date.UTC(2026, 0, 11, 15, 59))).toBe(167); // Sun 23:59 Beijing
    expect(dayTypeHour(8)).toBe(8);
    expect(dayTypeHour(5 * 24 + 8)).toBe(32); // Saturday 08:00 → weekend hour 8
  });
});

describe('learned speeds', () => {
  it('without evidence, the static profile', () => {
    expect(g.edgeCount).toBe(6);
    const m = new SpeedModel(g, []);
    expect(m.edgeTime(ab, 'other', MON_8)).toBeCloseTo(g.eTime[ab]!, 9);
    expect(m.coverage('other')).toMatchObject({ edges: 0, edgesWithData: 0 });
  });

  it('a well-driven slot gets its own measurement; the more evidence, the closer', () => {
    const few = new SpeedModel(g, [ev(ab, MON_8, 'other', 1, 2)]).edgeTime(ab, 'other', MON_8);
    const many = new SpeedModel(g, [ev(ab, MON_8, 'other', 200, 2)]).edgeTime(ab, 'other', MON_8);
    expect(few).toBeGreaterThan(g.eTime[ab]!);
    expect(few).toBeLessThan(many);
    expect(many / g.eTime[ab]!).toBeGreaterThan(1.97);
    expect(many / g.eTime[ab]!).toBeLessThanOrEqual(2 + 1e-9);
  });

  it('an hour without data leans on the edge’s other hours; an edge without data on the fleet ratio', () => {
    const m = new SpeedModel(g, [ev(ab, MON_8, 'other', 100, 2)]);
    // Tuesday 03:00 on a→b: the edge's all-day figure (2×), not the static time.
    expect(m.edgeTime(ab, 'other', 24 + 3) / g.eTime[ab]!).toBeGreaterThan(1.9);
    // b→c never driven: static × the fleet's observed/static ratio (≈ 2 here).
    expect(m.edgeTime(bc, 'other', MON_8) / g.eTime[bc]!).toBeCloseTo(m.fleetRatio.other, 9);
    expect(m.fleetRatio.other).toBeGreaterThan(1.9);
  });

  it('keeps emergency trips apart from the others', () => {
    const m = new SpeedModel(g, [ev(ab, MON_8, 'other', 100, 2), ev(ab, MON_8, 'emergency', 100, 0.8)]);
    expect(m.edgeTime(ab, 'emergency', MON_8) / g.eTime[ab]!).toBeCloseTo(0.8, 1);
    expect(m.edgeTime(ab, 'other', MON_8) / g.eTime[ab]!).toBeCloseTo(2, 1);
    expect(m.coverage('emergency')).toMatchObject({ edgesWithData: 1, drivenShare: 1 });
    expect(m.coverage('other').lengthShare).toBeCloseTo(1 / 6, 6);
  });

  it('turns traversals into evidence: whole, timed, plausible ones only, by slot and kind', () => {
    const t0 = Date.UTC(2026, 0, 5, 0, 10); // Monday 08:10 Beijing
    const base = { edge: ab, wayId: 1, distanceM: D, fromFrac: 0, toFrac: 1, full: true, enterTs: t0, exitTs: t0 + 20000, durationS: 20 };
    const evs = toEvidence(
      [base, { ...base, enterTs: t0 + 60000 }, { ...base, full: false }, { ...base, durationS: 0.5 }, { ...base, durationS: null, enterTs: null }],
      (ms) => (ms >= t0 + 30000 ? 'emergency' : 'other'),
    );
    expect(evs).toHaveLength(2);
    expect(evs.find((e) => e.kind === 'other')).toMatchObject({ edge: ab, hourOfWeek: MON_8, traversals: 1, durationS: 20 });
  });
});
