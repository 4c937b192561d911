import { DomainError } from '@rescue/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { isUnitId } from '@rescue/contracts';
import { CredentialsRepository, type CredentialRow, provisionUnitCredentials, revokeUnitCredentials } from '@rescue/persistence';
import { generatePassword, hashPassword, type MqttIdentity, type ServiceRole, verifyPassword } from '@rescue/security';
import type { BrokerAuthenticator, ConnectRefusal } from '../broker/embedded-broker';

/** What provisioning hands out, once: the password is not stored anywhere. */
export interface IssuedCredentials {
  unitId: string;
  username: string;
  password: string;
  /** False when the unit had credentials before (they no longer work). */
  rotated: boolean;
  unitCreated: boolean;
}

export interface CredentialSummary {
  unitId: string;
  createdAt: string;
  revokedAt: string | null;
}

export class CredentialsError extends DomainError<'BAD_UNIT_ID' | 'NOT_PROVISIONED'> {}

interface UnitEntry {
  hash: string;
  revoked: boolean;
}

/** How long a verified password is remembered: a reconnecting terminal is not hashed again meanwhile. */
const VERIFIED_TTL_MS = 60_000;
/** How often the table is read again, so a change made behind this process's back (SQL, CLI) takes effect. */
const RELOAD_MS = 30_000;

const digest = (password: Buffer): Buffer => createHash('sha256').update(password).digest();

/**
 * Unit and service credentials for the embedded broker: an in-memory copy of unit_credentials (read
 * at start, updated on provision/revoke, re-read every 30 s), plus service users whose passwords are
 * made per process and held in memory only (the ingest worker's, for one). Checks passwords with
 * PBKDF2 on the thread pool; a password that verified is remembered for a minute as a SHA-256 digest
 * so a reconnect storm does not hash everything again.
 */
export class CredentialsService implements BrokerAuthenticator {
  private readonly units = new Map<string, UnitEntry>();
  private readonly services = new Map<string, { hash: string; roles: readonly ServiceRole[] }>();
  private readonly verified = new Map<string, { hash: string; digest: Buffer; until: number }>();
  private readonly revokedListeners: Array<(unitId: string) => void> = [];
  private reloadTimer: NodeJS.Timeout | null = null;
  /** Bumped by every provision/revoke: a reload that read the table before one of them is stale. */
  private generation = 0;

  constructor(
    private readonly db: DataSource,
    private readonly repo: CredentialsRepository,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.reload();
    this.reloadTimer = setInterval(() => this.reload().catch((err: Error) => this.log.warn({ err: err.message }, 'credentials reload failed; keeping the last copy')), RELOAD_MS);
    this.reloadTimer.unref();
  }

  stop(): void {
    if (this.reloadTimer) clearInterval(this.reloadTimer);
    this.reloadTimer = null;
  }

  /** Told when a unit loses its credentials, so the broker can close its live connections. */
  onRevoked(listener: (unitId: string) => void): void {
    this.revokedListeners.push(listener);
  }

  /** A service user with a fresh random password, known only to this process. */
  async addServiceUser(username: string, roles: readonly ServiceRole[]): Promise<{ username: string; password: string }> {
    const password = generatePassword();
    this.services.set(username, { hash: await hashPassword(password), roles });
    return { username, password };
  }

  async authenticate(username: string | undefined, password: Buffer | undefined): Promise<MqttIdentity | ConnectRefusal> {
    if (!username || !password || password.length === 0) return 'no_credentials';
    const service = this.services.get(username);
    const unit = service ? undefined : this.units.get(username);
    if (!service && !unit) return 'unknown_user';
    if (unit?.revoked) return 'revoked';
    const hash = (service ?? unit)!.hash;
    if (!(this.recentlyVerified(username, hash, password) || (await verifyPassword(password.toString('utf8'), hash)))) return 'bad_password';
    // Re-check after the await: a revoke or rotation may have happened meanwhile.
    const now = service ? this.services.get(username) : this.units.get(username);
    if (!now || now.hash !== hash) return 'bad_password';
    if (!service && (now as UnitEntry).revoked) return 'revoked';
    this.verified.set(username, { hash, digest: digest(password), until: Date.now() + VERIFIED_TTL_MS });
    return service ? { kind: 'service', name: username, roles: service.roles } : { kind: 'unit', unitId: username };
  }

  private recentlyVerified(username: string, hash: string, password: Buffer): boolean {
    const v = this.verified.get(username);
    if (!v) return false;
    if (v.until < Date.now() || v.hash !== hash) {
      this.verified.delete(username);
      return false;
    }
    return timingSafeEqual(v.digest, digest(password));
  }

  /**
   * New random credentials for the unit (created if it does not exist). Re-provisioning rotates: the
   * old password stops working at once. Only the hash is stored; the password is returned this once.
   * The audit record (`actor`: who asked) commits in the same transaction as the change.
   */
  async provision(unitId: string, actor: string): Promise<IssuedCredentials> {
    if (!isUnitId(unitId)) throw new CredentialsError('BAD_UNIT_ID', `unit id must match ^[A-Za-z0-9_-]{1,64}$`);
    const password = generatePassword();
    const hash = await hashPassword(password);
    const res = await provisionUnitCredentials(this.db, unitId, hash, actor);
    this.generation++;
    this.units.set(unitId, { hash, revoked: false });
    this.verified.delete(unitId);
    if (res.rotated) this.emitRevoked(unitId); // connections made with the old password go too
    return { unitId, username: unitId, password, rotated: res.rotated, unitCreated: res.unitCreated };
  }

  /** Revokes the unit's credentials and closes its live connections; false when it had none active. */
  async revoke(unitId: string, actor: string): Promise<boolean> {
    if (!isUnitId(unitId)) throw new CredentialsError('BAD_UNIT_ID', `unit id must match ^[A-Za-z0-9_-]{1,64}$`);
    const done = await revokeUnitCredentials(this.db, unitId, actor);
    this.generation++;
    const entry = this.units.get(unitId);
    if (entry) entry.revoked = true;
    this.verified.delete(unitId);
    this.emitRevoked(unitId);
    return done;
  }

  async list(): Promise<CredentialSummary[]> {
    return (await this.repo.all()).map((r) => ({ unitId: r.unitId, createdAt: new Date(r.createdAt).toISOString(), revokedAt: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString() }));
  }

  private async reload(): Promise<void> {
    const generation = this.generation;
    const rows: CredentialRow[] = await this.repo.all();
    if (generation !== this.generation) return; // read before a change made here; the next reload sees it
    const seen = new Set<string>();
    for (const r of rows) {
      seen.add(r.unitId);
      const before = this.units.get(r.unitId);
      const revoked = r.revokedAt !== null;
      this.units.set(r.unitId, { hash: r.passwordHash, revoked });
      if (before && !before.revoked && (revoked || before.hash !== r.passwordHash)) this.emitRevoked(r.unitId);
    }
    for (const id of [...this.units.keys()]) {
      if (!seen.has(id)) {
        this.units.delete(id);
        this.emitRevoked(id);
      }
    }
  }

  private emitRevoked(unitId: string): void {
    for (const l of this.revokedListeners) l(unitId);
  }
}
