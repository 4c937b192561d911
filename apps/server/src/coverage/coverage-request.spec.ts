import { BadInputError } from '@rescue/common';
import { parseAnalysisBody, parseSitingBody } from './coverage-request';

const fc = (lon: number, lat: number) => ({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'S1', name: '一号站' }, geometry: { type: 'Point', coordinates: [lon, lat] } }] });
// WGS(116.403988, 39.914266) is BD-09 (116.41661560068297, 39.92196580126834) and GCJ-02 (116.41024449916938, 39.91547566809604).
const BD = [116.41661560068297, 39.92196580126834] as const;

describe('coverage bodies: stations and candidate sites in BD-09 or GCJ-02', () => {
  it('stationsCrs converts the uploaded stations to WGS-84 (within 2 m)', () => {
    const c = parseAnalysisBody({ stations: fc(...BD), stationsCrs: 'BD09' }, '1030');
    const s = c.stations![0]!;
    expect(Math.hypot((s.lat - 39.914266) * 110_574, (s.lon - 116.403988) * 85_300)).toBeLessThan(2);
    expect(parseAnalysisBody({ stations: fc(...BD) }, '1030').stations![0]!.lon).toBe(BD[0]);
  });
  it('candidatesCrs does the same for siting candidates', () => {
    const c = parseSitingBody({ candidates: fc(...BD), candidatesCrs: 'BD09' }, '1030');
    expect(Array.isArray(c.candidates) && Math.abs(c.candidates[0]!.lat - 39.914266) < 2e-5).toBe(true);
  });
  it('refuses a datum without points to convert, and unknown datums', () => {
    expect(() => parseAnalysisBody({ stations: ['S1'], stationsCrs: 'BD09' }, '1030')).toThrow(BadInputError);
    expect(() => parseAnalysisBody({ stations: fc(...BD), stationsCrs: 'UTM' }, '1030')).toThrow(/stations CRS UTM/);
    expect(() => parseSitingBody({ candidates: 50, candidatesCrs: 'GCJ02' }, '1030')).toThrow(/candidatesCrs/);
  });
});
