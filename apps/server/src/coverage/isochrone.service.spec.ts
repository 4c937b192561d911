import { NotFoundError } from '@rescue/common';
import { StreetInputs } from './coverage-services.testing';
import { IsochroneService } from './isochrone.service';

describe('IsochroneService', () => {
  it('isochrones of a registered station: one feature per limit, attributed', async () => {
    const iso = await new IsochroneService(new StreetInputs()).isochrones({ kind: 'id', id: 'S1' }, [2, 5], false);
    expect(iso.type).toBe('FeatureCollection');
    expect(iso.features.map((f) => f.properties.minutes)).toEqual([2, 5]);
    expect(iso.properties).toMatchObject({ station: 'S1', minutes: [2, 5], attribution: expect.stringContaining('OpenStreetMap') });
  });

  it('an unknown station is not found', async () => {
    await expect(new IsochroneService(new StreetInputs()).isochrones({ kind: 'id', id: 'S9' }, [5], false)).rejects.toThrow(NotFoundError);
  });
});
