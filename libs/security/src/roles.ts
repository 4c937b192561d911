/**
 * API roles and the access decision. Pure: the Nest guard asks `decide` with what the endpoint
 * declares and the caller's role; nothing here knows about HTTP.
 *
 * Separation of duties (等保 三员): `admin` is the system and security administrator (accounts, keys,
 * credentials, backups, the registry); `auditor` is the audit administrator, who reads and exports the
 * audit trail and nothing else. The trail is the auditor's alone: an admin cannot read it (and nobody can
 * change or erase it: the table refuses UPDATE/DELETE/TRUNCATE), so what admins do is checked by someone
 * who is not one of them. See docs/security.md.
 */
export const ROLES = ['admin', 'dispatcher', 'planner', 'viewer', 'auditor', 'hospital'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** Roles that see no operational data: an `authenticated` (reading) endpoint refuses them. */
const AUDIT_ONLY: readonly Role[] = ['auditor'];

/**
 * Roles from outside the centre: a receiving hospital (院前院内衔接) sees only the tasks sent to it, so
 * it reads nothing the centre's staff read by default; an endpoint lets it in by naming it, or by
 * `outside: true` for what holds nobody's data (the basemap).
 */
export const OUTSIDE_ROLES: readonly Role[] = ['hospital'];

/**
 * What an endpoint asks of its caller: nobody (`public`); any known caller about itself (`self`: who am I,
 * log out, change one's password); any known caller but the audit-only and outside roles (`authenticated`,
 * the default for an endpoint without a declaration: reading operational data; `outside: true` lets the
 * outside roles in); or one of some roles, which admin passes unless the roles are `exclusive` (the audit trail).
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'self' }
  | { kind: 'authenticated'; outside?: boolean }
  | { kind: 'roles'; roles: readonly Role[]; exclusive?: boolean };

export type Decision =
  | { allow: true }
  | { allow: false; status: 401; reason: 'missing' | 'unknown'; message: string }
  | { allow: false; status: 403; reason: 'role'; message: string };

/** `caller`: undefined when no key was sent, null when the key is not known, else the key's role. */
export function decide(access: Access, caller: Role | null | undefined): Decision {
  if (access.kind === 'public') return { allow: true };
  if (caller === undefined) {
    return { allow: false, status: 401, reason: 'missing', message: 'an API key is required: send Authorization: Bearer <key>' };
  }
  if (caller === null) return { allow: false, status: 401, reason: 'unknown', message: 'the API key is not known' };
  if (access.kind === 'self') return { allow: true };
  if (access.kind === 'authenticated') {
    if (AUDIT_ONLY.includes(caller)) return { allow: false, status: 403, reason: 'role', message: `role ${caller} reads and exports the audit trail only` };
    if (OUTSIDE_ROLES.includes(caller) && access.outside !== true) {
      return { allow: false, status: 403, reason: 'role', message: `role ${caller} sees only what is sent to it; this is for the centre's staff` };
    }
    return { allow: true };
  }
  if (access.roles.includes(caller) || (caller === 'admin' && !access.exclusive)) return { allow: true };
  const needed = access.exclusive ? [...access.roles] : [...access.roles, 'admin'];
  return {
    allow: false, status: 403, reason: 'role',
    message: `role ${caller} may not do this; it needs ${needed.filter((r, i, a) => a.indexOf(r) === i).join(' or ')}${access.exclusive && caller === 'admin' ? ' (separation of duties: administrators do not read the audit trail)' : ''}`,
  };
}
