import type { DataSource } from 'typeorm';
import { closeDatabase, LoginThrottleRepository, openDatabase } from '@rescue/persistence';
import { scratchPglite, scratchPostgres } from './support/databases';
import { describeNeeding, needPostgres } from './support/needs';

/**
 * Failed-login counts in the database (login_throttle): two server processes on one database count the
 * same failures, so 3 failures at one and 2 at the other lock the address for both. Each "process" here
 * is its own connection pool on the real PostgreSQL; the embedded database runs the same statements.
 */
const rules = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
const T0 = Date.parse('2026-12-07T08:00:00Z');

function behaves(open: () => Promise<{ a: DataSource; b: DataSource; done: () => Promise<void> }>): void {
  let a: DataSource;
  let b: DataSource;
  let done: () => Promise<void>;
  beforeAll(async () => ({ a, b, done } = await open()));
  afterAll(async () => done?.());

  it('failures at two processes add up: 3 at one and 2 at the other lock the key for both', async () => {
    const one = new LoginThrottleRepository(a, rules);
    const two = new LoginThrottleRepository(b, rules);
    const locks: Array<number | null> = [];
    for (let i = 0; i < 3; i++) locks.push(await one.fail('address', '10.0.0.7', T0 + i));
    for (let i = 3; i < 5; i++) locks.push(await two.fail('address', '10.0.0.7', T0 + i));
    expect(locks).toEqual([null, null, null, null, T0 + 4 + rules.lockMs]);
    expect(await one.lockedUntil('address', '10.0.0.7', T0 + 5)).toBe(T0 + 4 + rules.lockMs);
    expect(await two.lockedUntil('address', '10.0.0.7', T0 + 5)).toBe(T0 + 4 + rules.lockMs);
    expect(await one.lockedUntil('address', '10.0.0.7', T0 + 4 + rules.lockMs)).toBeNull(); // the lock ends
    // other keys and the other scope are untouched
    expect(await one.lockedUntil('address', '10.0.0.8', T0 + 5)).toBeNull();
    expect(await one.lockedUntil('account', '10.0.0.7', T0 + 5)).toBeNull();
  });

  it('counts within a sliding window; a success (clear) at either process forgets the failures', async () => {
    const one = new LoginThrottleRepository(a, rules);
    const two = new LoginThrottleRepository(b, rules);
    for (let i = 0; i < 4; i++) await one.fail('account', 'zhang', T0 + i);
    // the first four fall out of the window: this fifth failure is the only one left
    expect(await two.fail('account', 'zhang', T0 + rules.windowMs + 10)).toBeNull();
    for (let i = 0; i < 3; i++) await two.fail('account', 'zhang', T0 + rules.windowMs + 20 + i);
    expect(await one.fail('account', 'zhang', T0 + rules.windowMs + 30)).toBe(T0 + rules.windowMs + 30 + rules.lockMs);
    await two.clear('account', 'zhang');
    expect(await one.lockedUntil('account', 'zhang', T0 + rules.windowMs + 40)).toBeNull();
    expect(await one.fail('account', 'zhang', T0 + rules.windowMs + 50)).toBeNull();
  });

  it('failures arriving at both processes at once are all counted', async () => {
    const one = new LoginThrottleRepository(a, { ...rules, maxFailures: 10 });
    const two = new LoginThrottleRepository(b, { ...rules, maxFailures: 10 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).fail('address', '10.9.9.9', T0 + i)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await one.lockedUntil('address', '10.9.9.9', T0 + 20)).not.toBeNull();
  });

  it('the sweep drops rows with neither a lock nor a failure in the window, and keeps the others', async () => {
    const one = new LoginThrottleRepository(a, rules);
    await one.fail('address', '10.1.1.1', T0);
    await one.fail('address', '10.1.1.2', T0 + rules.windowMs);
    await one.sweep(T0 + rules.windowMs + 1);
    const rows: Array<{ key: string }> = await a.query(`SELECT key FROM login_throttle WHERE key LIKE '10.1.1.%' ORDER BY key`);
    expect(rows.map((r) => r.key)).toEqual(['10.1.1.2']);
  });
}

describeNeeding(needPostgres())('login failure counts shared through PostgreSQL', () => {
  behaves(async () => {
    const db = await scratchPostgres('rc_throttle');
    const a = (await openDatabase(db.target)).dataSource;
    const b = (await openDatabase(db.target)).dataSource;
    return { a, b, done: async () => { await closeDatabase(a); await closeDatabase(b); await db.drop(); } };
  });
});

describe('login failure counts in the embedded database', () => {
  // one process holds PGlite: the two repositories share its one data source, as the server's would
  behaves(async () => {
    const db = scratchPglite();
    const a = (await openDatabase(db.target)).dataSource;
    return { a, b: a, done: async () => { await closeDatabase(a); db.remove(); } };
  });
});
