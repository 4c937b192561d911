import { DomainError, haversineM } from '@rescue/common';
import fc from 'fast-check';
import { DATUM_VECTORS } from '@rescue/telemetry/testing';
import { parseCoordinates, parseDatum } from './parse-coordinates';

const ANDORRA_BBOX = [1.4, 42.4, 1.8, 42.7] as const;

function fails(text: string, message: RegExp): void {
  let err: unknown;
  try {
    parseCoordinates(text, 'WGS84');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe('BAD_INPUT');
  expect((err as DomainError).message).toMatch(message);
}

describe('parseCoordinates: datums (gcoord\'s published city vectors)', () => {
  // Pasted as AMap and Baidu show them: "lng,lat" with 7 decimals, as published.
  it.each(DATUM_VECTORS.map((v) => [v.name, v] as const))('%s: GCJ-02 and BD-09 text give the published WGS-84 point', (_, v) => {
    const gcj = parseCoordinates(`${v.GCJ02[0]},${v.GCJ02[1]}`, 'GCJ02');
    expect(gcj.order).toBe('lonlat');
    expect(gcj.orderFrom).toBe('range');
    // Within 1 m of the published point (gcoord's own inverse is the approximate one), against a
    // shift of hundreds of metres.
    expect(haversineM(gcj.wgs84.lat, gcj.wgs84.lon, v.WGS84[1], v.WGS84[0])).toBeLessThan(1);
    expect(haversineM(v.GCJ02[1], v.GCJ02[0], v.WGS84[1], v.WGS84[0])).toBeGreaterThan(100);
    const bd = parseCoordinates(`${v.BD09[0]}, ${v.BD09[1]}`, 'BD09');
    expect(haversineM(bd.wgs84.lat, bd.wgs84.lon, v.WGS84[1], v.WGS84[0])).toBeLessThan(1);
    // WGS-84 text is taken as it is, in either order.
    expect(parseCoordinates(`${v.WGS84[1]},${v.WGS84[0]}`, 'WGS84').wgs84).toEqual({ lat: v.WGS84[1], lon: v.WGS84[0] });
  });

  it('names of the datums and of the apps that use them', () => {
    expect(['wgs84', 'WGS-84', 'gps'].map(parseDatum)).toEqual(['WGS84', 'WGS84', 'WGS84']);
    expect(['gcj02', 'GCJ-02', 'amap', '高德', 'tencent'].map(parseDatum)).toEqual(Array(5).fill('GCJ02'));
    expect(['bd09', 'BD-09', 'baidu', '百度', 'bd09ll'].map(parseDatum)).toEqual(Array(5).fill('BD09'));
    expect(() => parseDatum('mars')).toThrow(/datum/);
  });

  it('GCJ-02 shifts nothing outside China, and says so; BD-09 there is questioned', () => {
    const p = parseCoordinates('1.5211,42.5078', 'GCJ02', { bbox: ANDORRA_BBOX });
    expect(p.wgs84).toEqual({ lat: 42.5078, lon: 1.5211 });
    expect(p.warnings.join()).toMatch(/outside China/);
    expect(parseCoordinates('1.5211,42.5078', 'BD09', { bbox: ANDORRA_BBOX }).warnings.join()).toMatch(/check the datum/);
  });
});

describe('parseCoordinates: how the text is written', () => {
  const TIANANMEN = { lat: 39.915, lon: 116.404 };
  it.each([
    ['116.404,39.915', 'lonlat', 'range'],
    ['39.915,116.404', 'latlon', 'range'],
    ['39.915 116.404', 'latlon', 'range'],
    ['116.404，39.915', 'lonlat', 'range'],
    ['１１６．４０４，３９．９１５', 'lonlat', 'range'],
    ['(116.404; 39.915)', 'lonlat', 'range'],
    ['lat=39.915&lng=116.404', 'latlon', 'labels'],
    ['lng: 116.404, lat: 39.915', 'lonlat', 'labels'],
    ['Longitude 116.404 Latitude 39.915', 'lonlat', 'labels'],
    ['经度116.404 纬度39.915', 'lonlat', 'labels'],
    ['纬度：39.915，经度：116.404', 'latlon', 'labels'],
    ['latlng=39.915,116.404', 'latlon', 'labels'],
    ['lnglat: 116.404,39.915', 'lonlat', 'labels'],
    ['https://uri.amap.com/marker?position=116.404,39.915&zoom=17', 'lonlat', 'range'],
  ])('%s', (text, order, orderFrom) => {
    const p = parseCoordinates(text, 'WGS84');
    expect(p.wgs84).toEqual(TIANANMEN);
    expect([p.order, p.orderFrom]).toEqual([order, orderFrom]);
    expect(p.alternative).toBeUndefined();
  });

  // 39°54'54" = 39.915°, 116°24'14" = 116.403888…°
  it.each([
    [`39°54'54"N 116°24'14"E`],
    ['39°54′54″N, 116°24′14″E'],
    [`N39°54'54" E116°24'14"`],
    [`E116°24'14" N39°54'54"`],
    ['北纬39度54分54秒 东经116度24分14秒'],
    ['东经116°24′14″，北纬39°54′54″'],
  ])('degrees, minutes, seconds: %s', (text) => {
    const p = parseCoordinates(text, 'WGS84');
    expect(p.wgs84.lat).toBeCloseTo(39.915, 9);
    expect(p.wgs84.lon).toBeCloseTo(116 + 24 / 60 + 14 / 3600, 9);
    expect(p.orderFrom).toBe('labels');
  });

  it('decimal minutes, and southern and western hemispheres', () => {
    expect(parseCoordinates(`N39°54.9' E116°24.24'`, 'WGS84').wgs84).toEqual({ lat: 39.915, lon: 116.404 });
    const sydney = parseCoordinates(`33°52'S 151°12'E`, 'WGS84').wgs84;
    expect(sydney.lat).toBeCloseTo(-(33 + 52 / 60), 9);
    expect(sydney.lon).toBeCloseTo(151.2, 9);
    expect(parseCoordinates('40.7128 N, 74.0060 W', 'WGS84').wgs84).toEqual({ lat: 40.7128, lon: -74.006 });
  });

  it('outside China both orders may fit: the served region decides, else longitude first with the other reading', () => {
    const inRegion = parseCoordinates('42.5078,1.5211', 'WGS84', { bbox: ANDORRA_BBOX });
    expect([inRegion.wgs84, inRegion.order, inRegion.orderFrom]).toEqual([{ lat: 42.5078, lon: 1.5211 }, 'latlon', 'region']);
    const guess = parseCoordinates('42.5078,1.5211', 'WGS84');
    expect([guess.wgs84, guess.orderFrom]).toEqual([{ lat: 1.5211, lon: 42.5078 }, 'default']);
    expect(guess.alternative).toEqual({ lat: 42.5078, lon: 1.5211 });
    expect(guess.warnings.join()).toMatch(/ambiguous/);
    // A latitude beyond 90 can only be a longitude.
    expect(parseCoordinates('-8.6,115.2', 'WGS84')).toMatchObject({ wgs84: { lat: -8.6, lon: 115.2 }, orderFrom: 'range' });
    expect(parseCoordinates('115.2,-8.6', 'WGS84')).toMatchObject({ wgs84: { lat: -8.6, lon: 115.2 }, orderFrom: 'range' });
  });

  it.each([
    ['', /no coordinates/],
    ['hello', /two numbers/],
    ['116.404', /two numbers/],
    ['116.404,39.915,12.5', /two numbers/],
    ['200.5,100.5', /out of range|within/],
    ['0,0', /missing location/],
    ['12958160.97,4825907.72', /Baidu Mercator/],
    ['lat 39.9 lat 116.4', /both numbers are labelled latitude/],
    ['lat 39.9E, 116.4', /disagree/],
    ['39.9N, 116.4S', /both numbers are labelled latitude/],
    [`39°75'N 116°E`, /below 60/],
    ['1'.repeat(201), /longer than/],
  ])('refuses %j', (text, message) => fails(text, message));
});

describe('parseCoordinates on any text', () => {
  // What a dispatcher may paste: anything. Either a point on Earth or a BAD_INPUT, never a crash.
  const pieces = fc.constantFrom('116.404', '39.915', '-8.6', '0', '°', "'", '"', 'N', 'S', 'E', 'W', 'lat', 'lng', '经度', '纬度', '北纬', ',', '，', ' ', '=', '&', '12958160.97', '1e5', 'NaN', '.', '-');
  const text = fc.oneof(fc.string({ maxLength: 60 }), fc.array(pieces, { maxLength: 12 }).map((xs) => xs.join('')));
  it('returns a valid WGS-84 point or refuses with BAD_INPUT', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('WGS84', 'GCJ02', 'BD09'), (t, datum) => {
        try {
          const p = parseCoordinates(t, datum as 'WGS84');
          expect(Math.abs(p.wgs84.lat)).toBeLessThanOrEqual(90.1);
          expect(Math.abs(p.wgs84.lon)).toBeLessThanOrEqual(180.1);
          expect(Number.isFinite(p.wgs84.lat + p.wgs84.lon)).toBe(true);
        } catch (e) {
          expect((e as DomainError).code).toBe('BAD_INPUT');
        }
      }),
      { numRuns: 3000, seed: 14 },
    );
  });
});
