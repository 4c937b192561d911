import { CoverageJobs, QueueFullError } from './coverage-jobs';

describe('coverage job queue', () => {
  it('runs one job at a time, refuses beyond the waiting bound, keeps the last N finished', async () => {
    const jobs = new CoverageJobs<number>(2, 2);
    let running = 0;
    let maxRunning = 0;
    const work = (v: number) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return v;
    };
    const a = jobs.submit('t', work(1));
    const b = jobs.submit('t', work(2));
    // Two are waiting (neither started: the pump runs on the next tick): the third is refused.
    expect(() => jobs.submit('t', work(3))).toThrow(QueueFullError);
    expect((await jobs.settled(a.id))!.result).toBe(1);
    expect((await jobs.settled(b.id))!.result).toBe(2);
    const c = jobs.submit('t', work(3));
    await jobs.settled(c.id);
    expect(maxRunning).toBe(1);
    // keep = 2: the oldest finished job is gone.
    expect(jobs.get(a.id)).toBeNull();
    expect(jobs.get(c.id)!.status).toBe('done');
  });

  it('a failed job keeps its message and code; a bug is reported', async () => {
    const bugs: string[] = [];
    const jobs = new CoverageJobs<number>(4, 4, (m) => bugs.push(m));
    const domain = jobs.submit('t', async () => {
      throw Object.assign(new Error('rule has no limit for class x'), { code: 'BAD_RULE' });
    });
    const bug = jobs.submit('t', async () => {
      throw new TypeError('undefined is not a function');
    });
    expect(await jobs.settled(domain.id)).toMatchObject({ status: 'failed', error: 'rule has no limit for class x', errorCode: 'BAD_RULE' });
    expect(await jobs.settled(bug.id)).toMatchObject({ status: 'failed', errorCode: 'INTERNAL' });
    expect(bugs).toHaveLength(1);
  });
});
