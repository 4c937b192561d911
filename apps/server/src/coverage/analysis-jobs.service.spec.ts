import { BadInputError, NotFoundError } from '@rescue/common';
import { AnalysisJobsService } from './analysis-jobs.service';
import type { AnalysisCommand } from './coverage-request';
import { rule, StreetInputs } from './coverage-services.testing';

const command = (over: Partial<AnalysisCommand> = {}): AnalysisCommand => ({
  rule, stationIds: null, stations: null, demand: null, incidents: null, areas: null, populationTotal: null, ambulances: null, jurisdiction: 'city', ...over,
});

describe('AnalysisJobsService', () => {
  it('an analysis of the registered stations runs as a job; its view inlines the points, its files follow', async () => {
    const s = new AnalysisJobsService(new StreetInputs());
    const job = await s.start(command());
    expect(s.resultFile(job.id, 'demand.csv')).toBeNull(); // not finished yet
    await s.jobs.settled(job.id);
    const view = s.view(job.id) as { status: string; result: { points: Array<{ id: string; covered: boolean }> }; links: Record<string, string> };
    expect(view.status).toBe('done');
    // S1 at p0 covers p0 p1, S2 at p4 covers p3 p4: p2 alone is uncovered
    expect(view.result.points.map((p) => [p.id, p.covered])).toEqual([
      ['p0', true],
      ['p1', true],
      ['p2', false],
      ['p3', true],
      ['p4', true],
    ]);
    expect(view.links.csv).toBe(`/coverage/analyses/${job.id}/demand.csv`);
    expect(s.resultFile(job.id, 'demand.csv')!.body.trim().split('\n')).toHaveLength(6);
    const uncovered = JSON.parse(s.resultFile(job.id, 'uncovered.geojson')!.body) as { features: unknown[] };
    expect(uncovered.features).toHaveLength(1);
  });

  it('a subset of the registered stations, by id', async () => {
    const s = new AnalysisJobsService(new StreetInputs());
    const job = await s.start(command({ stationIds: ['S1'] }));
    const done = await s.jobs.settled(job.id);
    expect(done!.result!.points.filter((p) => p.covered).map((p) => p.id)).toEqual(['p0', 'p1']);
  });

  it('unknown station ids are refused before queueing; an unknown job is not found', async () => {
    const s = new AnalysisJobsService(new StreetInputs());
    await expect(s.start(command({ stationIds: ['S1', 'S7'] }))).rejects.toThrow(new BadInputError('stations: unknown ids S7'));
    expect(() => s.view('nope')).toThrow(NotFoundError);
    expect(() => s.resultFile('nope', 'demand.csv')).toThrow(NotFoundError);
  });
});
