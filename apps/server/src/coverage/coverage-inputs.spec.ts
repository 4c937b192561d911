import { BadInputError, NotFoundError } from '@rescue/common';
import type { TaskRow } from '@rescue/persistence';
import { DEMO_STATIONS } from '../simulator/demo-fleet';
import { StreetInputs } from './coverage-services.testing';

const task = (id: string, lat: number, lon: number): TaskRow => ({ id, incident: { lat, lon } }) as unknown as TaskRow;

describe('CoverageInputs', () => {
  it('stations come from the registry, or are the demo stations without a database', async () => {
    expect((await new StreetInputs().stations()).map((s) => s.id)).toEqual(['S1', 'S2']);
    expect((await new StreetInputs(null).stations()).map((s) => s.id)).toEqual(DEMO_STATIONS.map((s) => s.id));
  });

  // [case, station parameter, site id or the error class]
  it.each<[string, Parameters<StreetInputs['siteOf']>[0], string | typeof NotFoundError]>([
    ['a registered station', { kind: 'id', id: 'S2' }, 'S2'],
    ['any point', { kind: 'point', text: '0,0.02', lat: 0, lon: 0.02 }, '0,0.02'],
    ['an unknown station', { kind: 'id', id: 'S9' }, NotFoundError],
  ])('site of %s', async (_case, param, expected) => {
    const site = new StreetInputs().siteOf(param);
    if (typeof expected === 'string') expect((await site).id).toBe(expected);
    else await expect(site).rejects.toThrow(expected);
  });

  it('custom areas that are not polygons are bad input', () => {
    expect(() => new StreetInputs().areas({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] } }] })).toThrow(BadInputError);
  });

  it('incident demand: refused without a tasks table or without tasks; else one point per task', async () => {
    await expect(new StreetInputs().incidents({ from: 0, to: 1 })).rejects.toThrow(/no tasks table/);
    const none = new StreetInputs(undefined, { tasksBetween: async () => [] });
    await expect(none.incidents({ from: 0, to: 1 })).rejects.toThrow(BadInputError);
    const some = new StreetInputs(undefined, { tasksBetween: async () => [task('T-1', 0, 0.01), task('T-2', 0, 0.03)] });
    const d = await some.incidents({ from: 0, to: 1 });
    expect(d.points.map((p) => [p.lat, p.lon])).toEqual([
      [0, 0.01],
      [0, 0.03],
    ]);
  });
});
