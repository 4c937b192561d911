import { DataSource } from 'typeorm';
import { AuditRepository, closeDatabase, FixRow, IngestRepository, openDatabase, TaskRepository, TaskRow } from '@rescue/persistence';
import { scratchPglite, scratchPostgres } from './support/databases';
import { describeNeeding, needPostgres } from './support/needs';

const T0 = Date.UTC(2026, 11, 7, 8, 0, 0);
const task = (id: string, unitId: string): TaskRow => ({
  id, unitId, stationId: null, state: 'active', priority: 1, emergency: true, incident: { lat: 42.5, lon: 1.5, crs: 'WGS84', inputLat: 42.5, inputLon: 1.5 },
  requiredCapabilities: [], outcome: null, outcomeReason: null, callTakenAt: T0, orderReceivedAt: T0, departedAt: null, onSceneAt: null,
  leftSceneAt: null, atHospitalAt: null, endedAt: null,
});
/** What a live task reads back with: the import columns empty. */
const stored = (t: TaskRow): TaskRow => ({
  ...t, source: 'live', externalId: null, callRingAt: null, callAnsweredAt: null, orderSentAt: null, dispatcher: null, callType: null, destinationHospital: null, callId: null, hospitalId: null, hospitalChosenAt: null,
});
const fix = (unitId: string, ts: number): FixRow => ({ unitId, ts, lat: 42.51, lon: 1.52, speedKmh: 0, headingDeg: null, accuracyM: 5, altitudeM: null, stepM: 0, receivedAt: ts });
const missing = () => new Error('no such unit');

/** The unit of work of dispatch (TaskRepository.withUnitLocked / withTransaction) on both engines. */
function unitOfWorkContract(open: () => Promise<{ ds: DataSource; done: () => Promise<void> }>) {
  let ds: DataSource;
  let done: () => Promise<void>;
  let repo: TaskRepository;
  beforeAll(async () => {
    ({ ds, done } = await open());
    repo = new TaskRepository(ds);
    await ds.query(`INSERT INTO units (id) VALUES ('U1'), ('U2'), ('U3')`);
  });
  afterAll(async () => done());

  it('throws missing() for an unknown unit without running the work', async () => {
    let ran = false;
    await expect(repo.withUnitLocked('NOPE', async () => (ran = true), missing)).rejects.toThrow('no such unit');
    expect(ran).toBe(false);
  });

  it('commits the task, its event with the fix at that moment, the unit status and the audit record together', async () => {
    await new IngestRepository(ds).write({ fixes: [fix('U1', T0 - 60_000), fix('U1', T0 + 60_000)], deadLetters: [], statuses: [], presences: [] });
    await repo.withUnitLocked('U1', async (tx) => {
      expect(tx.unit).toEqual({ id: 'U1', status: null, statusTs: null, stationId: null, capabilities: [] });
      expect(await tx.activeTaskId()).toBeNull();
      await tx.insertTask(task('T-1', 'U1'));
      await tx.setStatus('order_received', T0, 'T-1');
      await tx.insertEvent({ taskId: 'T-1', fromStatus: null, toStatus: 'order_received', ts: T0, source: 'dispatcher', reason: null });
      await tx.audit({ actor: 'key:test', action: 'task.assign', subject: 'task:T-1' });
    }, missing);
    expect(await repo.task('T-1')).toEqual(stored(task('T-1', 'U1')));
    expect(await repo.events('T-1')).toEqual([
      { taskId: 'T-1', unitId: 'U1', fromStatus: null, toStatus: 'order_received', ts: T0, source: 'dispatcher', reason: null, fix: { ts: T0 - 60_000, lat: 42.51, lon: 1.52 } },
    ]);
    expect(await repo.activeTaskIdOutside('U1')).toBe('T-1');
    expect((await new AuditRepository(ds).list({ subject: 'task:T-1', limit: 10 })).map((r) => r.action)).toEqual(['task.assign']);
  });

  it('rolls all of it back when the work fails', async () => {
    await expect(
      repo.withUnitLocked('U2', async (tx) => {
        await tx.insertTask(task('T-2', 'U2'));
        await tx.setStatus('order_received', T0, 'T-2');
        await tx.audit({ actor: 'key:test', action: 'task.assign', subject: 'task:T-2' });
        throw new Error('refused after the writes');
      }, missing),
    ).rejects.toThrow('refused after the writes');
    expect(await repo.task('T-2')).toBeNull();
    expect(await new AuditRepository(ds).list({ subject: 'task:T-2', limit: 10 })).toEqual([]);
    await repo.withUnitLocked('U2', async (tx) => expect(tx.unit.status).toBeNull(), missing);
  });

  it('serialises two changes of one unit: the second sees what the first committed', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = repo.withUnitLocked('U3', async (tx) => {
      await tx.setStatus('en_route', T0, null);
      await held;
    }, missing);
    await new Promise((r) => setTimeout(r, 50));
    const second = repo.withUnitLocked('U3', async (tx) => tx.unit.status, missing);
    release();
    await first;
    expect(await second).toBe('en_route');
  });

  it('withTransaction commits an unassigned task with its audit record', async () => {
    const unserved = { ...task('T-4', 'U1'), unitId: null, state: 'unserved' as const, orderReceivedAt: null };
    await repo.withTransaction(async (tx) => {
      await tx.insertTask(unserved);
      await tx.audit({ actor: 'key:test', action: 'task.create', subject: 'task:T-4' });
    });
    expect(await repo.task('T-4')).toEqual(stored(unserved));
  });
}

describe('dispatch unit of work on embedded PGlite', () => {
  unitOfWorkContract(async () => {
    const scratch = scratchPglite();
    const { dataSource } = await openDatabase(scratch.target);
    return { ds: dataSource, done: async () => { await closeDatabase(dataSource); scratch.remove(); } };
  });
});

describeNeeding(needPostgres())('dispatch unit of work on the real PostgreSQL', () => {
  unitOfWorkContract(async () => {
    const scratch = await scratchPostgres('rc_uow');
    const { dataSource } = await openDatabase(scratch.target);
    return { ds: dataSource, done: async () => { await closeDatabase(dataSource); await scratch.drop(); } };
  });
});
