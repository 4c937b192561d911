import { type Access, decide, type Role, ROLES } from './roles';

const PUBLIC: Access = { kind: 'public' };
const ANY: Access = { kind: 'authenticated' };
const SELF: Access = { kind: 'self' };
const roles = (...r: Role[]): Access => ({ kind: 'roles', roles: r });
const only = (...r: Role[]): Access => ({ kind: 'roles', roles: r, exclusive: true });

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
    // separation of duties: the auditor reads the trail and nothing else; admins do not read it
    [only('auditor'), 'auditor', 200],
    [only('auditor'), 'admin', 403],
    [only('auditor'), 'viewer', 403],
    [only('auditor'), undefined, 401],
    [ANY, 'auditor', 403],
    [roles('dispatcher'), 'auditor', 403],
    [roles('admin'), 'auditor', 403],
    [SELF, 'auditor', 200],
    [SELF, 'viewer', 200],
    [SELF, undefined, 401],
    [SELF, null, 401],
    // a receiving hospital reads only what names it, or what holds nobody's data
    [ANY, 'hospital', 403],
    [{ kind: 'authenticated', outside: true }, 'hospital', 200],
    [{ kind: 'authenticated', outside: true }, 'viewer', 200],
    [{ kind: 'authenticated', outside: true }, undefined, 401],
    [roles('dispatcher'), 'hospital', 403],
    [roles('hospital'), 'hospital', 200],
    [roles('hospital'), 'dispatcher', 403],
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

  it('lets admin through every role check but an exclusive one', () => {
    for (const r of ROLES) expect(decide(roles(r), 'admin').allow).toBe(true);
    const d = decide(only('auditor'), 'admin');
    expect(!d.allow && d.message).toMatch(/needs auditor \(separation of duties/);
  });
});
