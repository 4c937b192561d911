import { type Access, decide, type Role, ROLES } from './roles';

const PUBLIC: Access = { kind: 'public' };
const ANY: Access = { kind: 'authenticated' };
const roles = (...r: Role[]): Access => ({ kind: 'roles', roles: r });

describe('decide', () => {
  it.each([
    // access, caller, expected status (200 = allowed)
    [PUBLIC, undefined, 200],
    [PUBLIC, null, 200],
    [ANY, undefined, 401],
    [ANY, null, 401],
    [ANY, 'viewer', 200],
    [roles('dispatcher'), 'viewer', 403],
    [roles('dispatcher'), 'planner', 403],
    [roles('dispatcher'), 'dispatcher', 200],
    [roles('dispatcher'), 'admin', 200],
    [roles('dispatcher', 'planner'), 'planner', 200],
    [roles('admin'), 'dispatcher', 403],
    [roles('admin'), undefined, 401],
  ] as Array<[Access, Role | null | undefined, number]>)('%j for %s -> %d', (access, caller, status) => {
    const d = decide(access, caller);
    expect(d.allow ? 200 : d.status).toBe(status);
  });

  it('says why it refused', () => {
    const missing = decide(ANY, undefined);
    const unknown = decide(ANY, null);
    const role = decide(roles('dispatcher'), 'viewer');
    expect(!missing.allow && missing.reason).toBe('missing');
    expect(!unknown.allow && unknown.reason).toBe('unknown');
    expect(!role.allow && role.reason).toBe('role');
    expect(!role.allow && role.message).toMatch(/viewer.*dispatcher or admin/);
  });

  it('lets admin through every role check', () => {
    for (const r of ROLES) expect(decide(roles(r), 'admin').allow).toBe(true);
  });
});
