/**
 * API roles and the access decision. Pure: the Nest guard asks `decide` with what the endpoint
 * declares and the caller's role; nothing here knows about HTTP.
 */
export const ROLES = ['admin', 'dispatcher', 'planner', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/**
 * What an endpoint asks of its caller: nobody (`public`), any known key (`authenticated`, the default
 * for an endpoint without a declaration: reading), or one of some roles. admin passes every check.
 */
export type Access = { kind: 'public' } | { kind: 'authenticated' } | { kind: 'roles'; roles: readonly Role[] };

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
  if (access.kind === 'authenticated' || caller === 'admin' || access.roles.includes(caller)) return { allow: true };
  return {
    allow: false, status: 403, reason: 'role',
    message: `role ${caller} may not do this; it needs ${[...access.roles, 'admin'].filter((r, i, a) => a.indexOf(r) === i).join(' or ')}`,
  };
}
