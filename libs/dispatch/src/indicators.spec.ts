import { computeIndicators, indicatorsByStation, indicatorsCsv, percentile, TaskTimes } from './indicators';

const T = Date.UTC(2026, 10, 1, 8, 0, 0);
const s = (sec: number) => T + sec * 1000;
const task = (taskId: string, over: Partial<TaskTimes>): TaskTimes => ({
  taskId, stationId: 'S1', emergency: true, dispatched: true,
  callTakenAt: s(0), orderReceivedAt: s(60), departedAt: s(120), onSceneAt: s(600), leftSceneAt: s(900), atHospitalAt: s(1500), ...over,
});

describe('quality indicators (domain.md §4), checked against hand arithmetic', () => {
  const tasks = [
    task('A', {}), // departure 60 s, response 600, road 480, on scene 300, on call 1380
    task('B', { departedAt: s(300), onSceneAt: s(900), leftSceneAt: s(1000), atHospitalAt: s(2000) }), // departure 240 s (late), response 900, road 600, on scene 100, on call 1700
    task('C', { onSceneAt: null, leftSceneAt: null, atHospitalAt: null, stationId: 'S2' }), // departure 60 s; never on scene
    task('D', { dispatched: false, orderReceivedAt: null, departedAt: null, onSceneAt: null, leftSceneAt: null, atHospitalAt: null, stationId: null }),
  ];
  const i = computeIndicators(tasks);

  it('3-minute departure rate over real emergencies with both times', () => {
    expect(i.departure3min).toEqual({ n: 3, within: 2, rate: 2 / 3, missing: [] });
  });

  it('response, road, on-scene and on-call times, listing tasks that lack a time', () => {
    expect(i.responseTime).toEqual({ n: 2, meanS: 750, p90S: 900, missing: ['C'] });
    expect(i.roadTime).toEqual({ n: 2, meanS: 540, missing: ['C'] });
    expect(i.onSceneTime).toEqual({ n: 2, meanS: 200, missing: ['C'] });
    expect(i.onCallTime).toEqual({ n: 2, meanS: 1540, missing: ['C'] });
  });

  it('demand satisfaction counts the unserved request', () => {
    expect(i.demandSatisfaction).toEqual({ requests: 4, dispatched: 3, rate: 0.75 });
  });

  it('per station and as CSV', () => {
    const r = indicatorsByStation(tasks);
    expect(Object.keys(r.byStation)).toEqual(['(none)', 'S1', 'S2']);
    expect(r.byStation.S1!.departure3min.within).toBe(1);
    const csv = indicatorsCsv(r).trim().split('\n');
    expect(csv).toHaveLength(5); // header, overall, three stations
    expect(csv[1]!.startsWith('overall,4,3,2,0.667,0,2,750,900,1,')).toBe(true);
  });

  it('nearest-rank percentile', () => {
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9)).toBe(90);
    expect(percentile([], 0.9)).toBeNull();
  });
});
