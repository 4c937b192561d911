import { UNIT_STATUSES } from '@rescue/contracts';
import { dispatchExclusion, EXCLUSION_REASONS, type DispatchNeed, type UnitFacts } from './eligibility';

/** A unit that may be sent: at its station, online, with ALS, a fix 20 s old, reachable by road. */
const READY: UnitFacts = { status: 'available_at_station', taskId: null, online: true, capabilities: ['als'], fixAgeS: 20, road: 'reachable' };
const NEED: DispatchNeed = { requiredCapabilities: [], staleAfterS: 120, staleAllowed: false, maxEtaS: 7200 };
const unit = (over: Partial<UnitFacts>): UnitFacts => ({ ...READY, ...over });

describe('dispatch eligibility: every reason', () => {
  // [case, unit, need, reason (null: may be sent), detail]
  it.each<[string, UnitFacts, DispatchNeed, string | null, string]>([
    ['ready at its station', READY, NEED, null, ''],
    ['returning, available (途中待命)', unit({ status: 'available_returning' }), NEED, null, ''],
    ['back at station', unit({ status: 'back_at_station' }), NEED, null, ''],
    ['holding a task', unit({ taskId: 'T-1' }), NEED, 'busy', 'on task T-1'],
    ['en route, task not known here', unit({ status: 'en_route' }), NEED, 'busy', 'status en_route'],
    ['task complete, not yet available again', unit({ status: 'task_complete' }), NEED, 'busy', 'status task_complete'],
    ['suspended (暂停调用)', unit({ status: 'suspended' }), NEED, 'not_available', 'status suspended'],
    ['in maintenance', unit({ status: 'maintenance' }), NEED, 'not_available', 'status maintenance'],
    ['off duty', unit({ status: 'off_duty' }), NEED, 'not_available', 'status off_duty'],
    ['never reported a status', unit({ status: null }), NEED, 'not_available', 'status (none reported)'],
    ['terminal offline', unit({ online: false }), NEED, 'offline', 'terminal offline'],
    ['lacking one capability', READY, { ...NEED, requiredCapabilities: ['als', 'negative-pressure'] }, 'lacking_capability', 'lacks negative-pressure'],
    ['having every capability', READY, { ...NEED, requiredCapabilities: ['als'] }, null, ''],
    ['no fix yet', unit({ fixAgeS: null }), NEED, 'no_position', 'no fix received yet'],
    ['fix older than the limit', unit({ fixAgeS: 300.4 }), NEED, 'stale', 'last fix 300 s old (limit 120 s)'],
    ['fix exactly at the limit', unit({ fixAgeS: 120 }), NEED, null, ''],
    ['stale, but stale units count (priority 1)', unit({ fixAgeS: 300 }), { ...NEED, staleAllowed: true }, null, ''],
    ['position off any road', unit({ road: 'off_road' }), NEED, 'unreachable', 'last position is too far from any road'],
    ['no road path within the limit', unit({ road: 'no_path' }), NEED, 'unreachable', 'no road path within 120 min'],
    ['road not looked at yet', unit({ road: undefined }), NEED, null, ''],
  ])('%s', (_case, u, need, reason, detail) => {
    const e = dispatchExclusion(u, need);
    expect(e === null ? null : e.reason).toBe(reason);
    expect(e === null ? '' : e.detail).toBe(detail);
  });

  it('the table above names every reason', () => {
    // keep this list in step with the table: a new reason must come with its rows
    const tabled = ['busy', 'not_available', 'offline', 'lacking_capability', 'no_position', 'stale', 'unreachable'];
    expect([...EXCLUSION_REASONS].sort()).toEqual(tabled.sort());
  });

  it('lacking_capability lists what is missing', () => {
    expect(dispatchExclusion(READY, { ...NEED, requiredCapabilities: ['neonatal', 'als', 'bariatric'] })).toEqual({
      reason: 'lacking_capability',
      detail: 'lacks neonatal, bariatric',
      missing: ['neonatal', 'bariatric'],
    });
  });

  // the first failing check is the reason: [case, unit, need, reason]
  it.each<[string, UnitFacts, DispatchNeed, string]>([
    ['busy before off duty and offline', unit({ taskId: 'T-1', status: 'off_duty', online: false }), NEED, 'busy'],
    ['not available before offline', unit({ status: 'maintenance', online: false }), NEED, 'not_available'],
    ['offline before lacking a capability', unit({ online: false }), { ...NEED, requiredCapabilities: ['x'] }, 'offline'],
    ['lacking a capability before no position', unit({ fixAgeS: null }), { ...NEED, requiredCapabilities: ['x'] }, 'lacking_capability'],
    ['stale before unreachable', unit({ fixAgeS: 999, road: 'off_road' }), NEED, 'stale'],
  ])('order: %s', (_case, u, need, reason) => {
    expect(dispatchExclusion(u, need)?.reason).toBe(reason);
  });

  it('a dispatcher naming the unit (needsTerminal false) asks only busy, status and capability', () => {
    const byPhone: DispatchNeed = { ...NEED, needsTerminal: false };
    expect(dispatchExclusion(unit({ online: false, fixAgeS: null, road: 'no_path' }), byPhone)).toBeNull();
    expect(dispatchExclusion(unit({ online: false, status: 'off_duty' }), byPhone)?.reason).toBe('not_available');
    expect(dispatchExclusion(unit({ online: false }), { ...byPhone, requiredCapabilities: ['x'] })?.reason).toBe('lacking_capability');
    expect(dispatchExclusion(unit({ taskId: 'T-9' }), byPhone)?.reason).toBe('busy');
  });

  it('every status is either dispatchable, busy or not available (none falls through)', () => {
    const byStatus = Object.fromEntries(UNIT_STATUSES.map((s) => [s, dispatchExclusion(unit({ status: s }), NEED)?.reason ?? 'eligible']));
    expect(byStatus).toEqual({
      available_at_station: 'eligible', available_returning: 'eligible', back_at_station: 'eligible',
      order_received: 'busy', en_route: 'busy', on_scene: 'busy', patient_loaded: 'busy', at_hospital: 'busy',
      task_complete: 'busy', refused: 'busy', gone_on_arrival: 'busy', dead_not_transported: 'busy', aborted: 'busy',
      suspended: 'not_available', maintenance: 'not_available', off_duty: 'not_available',
    });
  });
});
