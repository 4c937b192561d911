import { NotFoundError } from '@rescue/common';
import { rule, StreetInputs } from './coverage-services.testing';
import { SitingJobsService } from './siting-jobs.service';

describe('SitingJobsService', () => {
  it('sites the one new station that covers what the registered ones leave (p2)', async () => {
    const s = new SitingJobsService(new StreetInputs());
    const candidates = [
      { id: 'C-at-p0', name: 'C0', lat: 0, lon: 0 },
      { id: 'C-at-p2', name: 'C2', lat: 0, lon: 0.02 },
    ];
    const job = await s.start({ rule, k: 1, candidates, timeLimitS: 10 });
    const done = await s.jobs.settled(job.id);
    expect(done!.status).toBe('done');
    const r = done!.result!;
    expect(r.demand).toMatchObject({ totalWeight: 15, alreadyCoveredWeight: 12 });
    expect((r.maximalCovering as { sites: Array<{ id: string }> }).sites.map((x) => x.id)).toEqual(['C-at-p2']);
    expect((r.setCovering as { sites: Array<{ id: string }> }).sites.map((x) => x.id)).toEqual(['C-at-p2']);
    expect(done!.progress).toEqual({ phase: 'done', done: 3, total: 3 });
  });

  it('an unknown siting job is not found', () => {
    expect(() => new SitingJobsService(new StreetInputs()).job('nope')).toThrow(NotFoundError);
  });
});
