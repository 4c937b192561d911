import type { FixRow } from '@rescue/persistence';
import { Batcher, OpenBatch } from './batcher';

const fix = (n: number): FixRow => ({
  unitId: 'U1', ts: n, lat: 22.5, lon: 114, speedKmh: null, headingDeg: null, accuracyM: null, altitudeM: null, stepM: 0, receivedAt: n,
});

/** A batcher whose commits the test finishes by hand, recording what each one held. */
function setup(maxRows = 3, maxWaitMs = 50, groupFactor = 2) {
  const commits: number[][] = [];
  const finish: Array<() => void> = [];
  const batcher = new Batcher({ maxRows, maxWaitMs, groupFactor }, (b: OpenBatch) => {
    commits.push(b.rows.fixes.map((f) => f.ts));
    return new Promise<void>((r) => finish.push(r));
  });
  let n = 0;
  const message = () => {
    batcher.current.rows.fixes.push(fix(++n));
    batcher.current.messages++;
    batcher.added();
  };
  return { batcher, commits, finish, message };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Batcher', () => {
  afterEach(() => jest.useRealTimers());

  it('closes a batch when it reaches maxRows', async () => {
    const { commits, message } = setup(3);
    for (let i = 0; i < 3; i++) message();
    await tick();
    expect(commits).toEqual([[1, 2, 3]]);
  });

  it('closes a batch maxWaitMs after its first message, not later', async () => {
    jest.useFakeTimers();
    const { commits, message } = setup(100, 50);
    message();
    jest.advanceTimersByTime(30);
    message(); // does not restart the clock
    jest.advanceTimersByTime(19);
    await Promise.resolve();
    expect(commits).toEqual([]);
    jest.advanceTimersByTime(1);
    await Promise.resolve();
    await Promise.resolve();
    expect(commits).toEqual([[1, 2]]);
  });

  it('commits one batch at a time and merges those that waited, in order, up to groupFactor × maxRows', async () => {
    const { commits, finish, message } = setup(2, 1000, 2);
    message();
    message();
    await tick();
    expect(commits).toEqual([[1, 2]]);
    for (let i = 0; i < 6; i++) message(); // three more full batches while that commit is in flight
    await tick();
    expect(commits).toHaveLength(1); // they wait for it
    finish.shift()!();
    await tick();
    expect(commits.at(-1)).toEqual([3, 4, 5, 6]); // two batches in one transaction: the group limit
    finish.shift()!();
    await tick();
    expect(commits.at(-1)).toEqual([7, 8]);
    finish.shift()!();
    await tick();
    expect(commits).toHaveLength(3);
  });

  it('flush writes what is open and resolves once everything closed is committed', async () => {
    const { batcher, commits, finish, message } = setup(100);
    message();
    let flushed = false;
    void batcher.flush().then(() => (flushed = true));
    await tick();
    expect(commits).toEqual([[1]]);
    expect(flushed).toBe(false);
    finish.shift()!();
    await tick();
    expect(flushed).toBe(true);
  });

  it('an empty flush commits nothing', async () => {
    const { batcher, commits } = setup();
    await batcher.flush();
    expect(commits).toEqual([]);
  });
});
