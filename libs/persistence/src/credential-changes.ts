import type { DataSource } from 'typeorm';
import { AuditRepository } from './audit.repository';
import { CredentialsRepository } from './credentials.repository';

/**
 * The audited changes to a unit's MQTT credentials: each change and its audit record commit in one
 * transaction, or neither does. The one place for them, used by the server's CredentialsService and the
 * `npm run units` CLI alike, so the two cannot drift apart (a missing or differently named record).
 * `actor` is who asked, as in the audit trail: `key:<api-key name>`, `system:cli`.
 */

/** Sets (or rotates) the unit's password hash, creating the unit if needed; audited as provision or rotate. */
export function provisionUnitCredentials(db: DataSource, unitId: string, passwordHash: string, actor: string): Promise<{ unitCreated: boolean; rotated: boolean }> {
  return db.transaction(async (m) => {
    const r = await new CredentialsRepository(db).provision(unitId, passwordHash, m);
    await new AuditRepository(db).append({ actor, action: r.rotated ? 'credential.rotate' : 'credential.provision', subject: `unit:${unitId}`, detail: { unitCreated: r.unitCreated } }, m);
    return { unitCreated: r.unitCreated, rotated: r.rotated };
  });
}

/** Revokes the unit's credentials, audited; false (and no record) when it had none active. */
export function revokeUnitCredentials(db: DataSource, unitId: string, actor: string): Promise<boolean> {
  return db.transaction(async (m) => {
    const done = await new CredentialsRepository(db).revoke(unitId, m);
    if (done) await new AuditRepository(db).append({ actor, action: 'credential.revoke', subject: `unit:${unitId}` }, m);
    return done;
  });
}
