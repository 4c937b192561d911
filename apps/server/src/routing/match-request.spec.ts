import { MATCH_MAX_POINTS, parseMatchBody } from './match-request';
import { BadInputError } from '@rescue/common';

const T = Date.UTC(2026, 0, 5, 8);

describe('POST /routing/match body', () => {
  it('takes epoch ms or ISO times and an optional sigmaM', () => {
    const r = parseMatchBody({ points: [{ lat: 42.5, lon: 1.5, ts: T }, { lat: 42.51, lon: 1.5, ts: new Date(T + 5000).toISOString() }], sigmaM: 15 });
    expect(r.points.map((p) => p.ts)).toEqual([T, T + 5000]);
    expect(r.options).toEqual({ sigmaM: 15 });
    expect(parseMatchBody({ points: [{ lat: 1, lon: 2 }, { lat: 1, lon: 2.001 }] }).points[1]).toEqual({ lat: 1, lon: 2.001 });
  });

  it.each([
    [null, 'body'],
    [{ points: 'x' }, 'points'],
    [{ points: [{ lat: 1, lon: 2, ts: T }] }, 'at least 2'],
    [{ points: [{ lat: 91, lon: 2 }, { lat: 1, lon: 2 }] }, 'points[0].lat'],
    [{ points: [{ lat: 1, lon: '2' }, { lat: 1, lon: 2 }] }, 'points[0].lon'],
    [{ points: [{ lat: 1, lon: 2, ts: T }, { lat: 1, lon: 2 }] }, 'every point or on none'],
    [{ points: [{ lat: 1, lon: 2, ts: T }, { lat: 1, lon: 2, ts: T - 1 }] }, 'sort the fixes'],
    [{ points: [{ lat: 1, lon: 2, ts: T / 1000 }, { lat: 1, lon: 2, ts: T / 1000 + 1 }] }, 'epoch milliseconds'],
    [{ points: [{ lat: 1, lon: 2, speed: 3 }, { lat: 1, lon: 2 }] }, 'points[0].speed'],
    [{ points: [{ lat: 1, lon: 2 }, { lat: 1, lon: 2 }], sigmaM: 0 }, 'sigmaM'],
    [{ points: [], extra: 1 }, 'extra'],
  ])('%j is refused naming %s', (body, name) => {
    expect(() => parseMatchBody(body)).toThrow(BadInputError);
    expect(() => parseMatchBody(body)).toThrow(name);
  });

  it(`bounds a request to ${MATCH_MAX_POINTS} fixes`, () => {
    const points = Array.from({ length: MATCH_MAX_POINTS + 1 }, (_, i) => ({ lat: 1, lon: 2 + i * 1e-5 }));
    expect(() => parseMatchBody({ points })).toThrow(/at most 5000/);
    expect(parseMatchBody({ points: points.slice(1) }).points).toHaveLength(MATCH_MAX_POINTS);
  });
});
