import {
  bd09ToWgs84,
  gcj02ToBd09,
  bd09ToGcj02,
  gcj02ToWgs84,
  isOutsideChina,
  wgs84ToBd09,
  toWgs84,
  wgs84ToGcj02,
} from './chinese-datums';
import { haversineM } from '@rescue/common';
import { DATUM_VECTORS } from '../testing/datum-vectors';

describe('Chinese datums (domain.md §6 published checks)', () => {
  it('WGS(120, 40) → GCJ (120.00567568355486, 40.0013047896019)', () => {
    const g = wgs84ToGcj02({ lat: 40, lon: 120 });
    expect(g.lon).toBeCloseTo(120.00567568355486, 12);
    expect(g.lat).toBeCloseTo(40.0013047896019, 12);
  });

  it('WGS(116.403988, 39.914266) → BD-09 (116.41661560068297, 39.92196580126834)', () => {
    const b = wgs84ToBd09({ lat: 39.914266, lon: 116.403988 });
    expect(b.lon).toBeCloseTo(116.41661560068297, 10);
    expect(b.lat).toBeCloseTo(39.92196580126834, 10);
  });

  it('GCJ → WGS inverts the published check within 1e-6°', () => {
    const w = gcj02ToWgs84({ lat: 40.0013047896019, lon: 120.00567568355486 });
    expect(Math.abs(w.lon - 120)).toBeLessThan(1e-6);
    expect(Math.abs(w.lat - 40)).toBeLessThan(1e-6);
  });

  // Chinese cities from Harbin to Sanya, Urumqi to Shanghai: round trips within 1e-6°.
  it.each([
    ['Beijing', 39.9042, 116.4074],
    ['Shenzhen', 22.5325, 114.0123],
    ['Harbin', 45.8038, 126.535],
    ['Urumqi', 43.8256, 87.6168],
    ['Sanya', 18.2528, 109.512],
    ['Lhasa', 29.65, 91.1],
  ])('round trip WGS → GCJ → WGS in %s', (_name, lat, lon) => {
    const g = wgs84ToGcj02({ lat, lon });
    // the shift must be real (hundreds of metres), otherwise the round trip proves nothing
    expect(haversineM(lat, lon, g.lat, g.lon)).toBeGreaterThan(100);
    const w = gcj02ToWgs84(g);
    expect(Math.abs(w.lat - lat)).toBeLessThan(1e-6);
    expect(Math.abs(w.lon - lon)).toBeLessThan(1e-6);
  });

  it('round trip WGS → BD-09 → WGS within 1e-6°', () => {
    const w = bd09ToWgs84(wgs84ToBd09({ lat: 31.2304, lon: 121.4737 }));
    expect(Math.abs(w.lat - 31.2304)).toBeLessThan(1e-6);
    expect(Math.abs(w.lon - 121.4737)).toBeLessThan(1e-6);
    const g = bd09ToGcj02(gcj02ToBd09({ lat: 31.2304, lon: 121.4737 }));
    expect(Math.abs(g.lat - 31.2304)).toBeLessThan(1e-6);
    expect(Math.abs(g.lon - 121.4737)).toBeLessThan(1e-6);
  });

  it.each([
    ['Andorra', 42.5063, 1.5218],
    ['Tokyo', 35.6762, 139.6503],
    ['Moscow', 55.7558, 37.6173],
    ['Singapore (south of the box)', 0.5, 103.8],
  ])('out of China (%s): no shift in either direction', (_name, lat, lon) => {
    expect(isOutsideChina(lat, lon)).toBe(true);
    expect(wgs84ToGcj02({ lat, lon })).toEqual({ lat, lon });
    expect(gcj02ToWgs84({ lat, lon })).toEqual({ lat, lon });
  });
});

// gcoord's published city vectors (testing/datum-vectors.ts): every conversion that
// imports use lands within 2 m of the published value (issue 13), most within centimetres.

describe('published city vectors (gcoord fixtures)', () => {
  const m = (a: { lat: number; lon: number }, b: [number, number]) => haversineM(a.lat, a.lon, b[1], b[0]);
  it.each(DATUM_VECTORS.map((v) => [v.name, v] as const))('%s: BD-09 and GCJ-02 → WGS-84 within 2 m, and forward', (_n, v) => {
    const pt = (c: [number, number]) => ({ lat: c[1], lon: c[0] });
    expect(m(toWgs84(pt(v.BD09), 'BD09'), v.WGS84)).toBeLessThan(2);
    expect(m(toWgs84(pt(v.GCJ02), 'GCJ02'), v.WGS84)).toBeLessThan(2);
    expect(m(wgs84ToGcj02(pt(v.WGS84)), v.GCJ02)).toBeLessThan(2);
    expect(m(wgs84ToBd09(pt(v.WGS84)), v.BD09)).toBeLessThan(2);
    // the shift itself is hundreds of metres, so 2 m is a real check
    expect(m(pt(v.BD09), v.WGS84)).toBeGreaterThan(300);
  });
});
