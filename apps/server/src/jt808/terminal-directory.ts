import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { DomainError } from '@rescue/common';
import { isUnitId } from '@rescue/contracts';
import { type Jt808TerminalRow, Jt808TerminalsRepository, normaliseJt808Phone } from '@rescue/persistence';
import { generatePassword, hashPassword, verifyPassword } from '@rescue/security';

/** Why a 0x0102 was refused (the `reason` label of rc_jt808_refused_total). */
export type AuthRefusal = 'unknown_phone' | 'revoked' | 'not_registered' | 'bad_auth_code';

/** 0x8100 result codes (JT/T 808 §8.6). */
export const REGISTER_RESULT = { ok: 0, terminalRegistered: 3, terminalUnknown: 4 } as const;

export class Jt808DirectoryError extends DomainError<'BAD_UNIT_ID' | 'BAD_PHONE' | 'NOT_PROVISIONED'> {}

const RELOAD_MS = 30_000;
const VERIFIED_TTL_MS = 60_000;
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Terminal identity for the gateway: which unit a phone speaks for, registration (0x0100 → a fresh
 * authentication code, of which only the PBKDF2 hash is stored, like an MQTT password), and the check
 * of 0x0102. A copy of jt808_terminals in memory, re-read every 30 s so a change made elsewhere (the
 * CLI on the database, another process) takes effect; a revoked, re-provisioned or removed terminal
 * is reported to the listeners, which close its connection. A code that verified is remembered for a
 * minute as a SHA-256 digest, so a reconnect storm does not run PBKDF2 for every terminal again.
 */
export class Jt808Directory {
  private readonly byPhone = new Map<string, Jt808TerminalRow>();
  private readonly verified = new Map<string, { hash: string; digest: Buffer; until: number }>();
  private readonly revokedListeners: Array<(phone: string) => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private generation = 0;

  constructor(
    private readonly repo: Jt808TerminalsRepository,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => this.reload().catch((e: Error) => this.log.warn({ err: e.message }, 'jt808 terminals reload failed; keeping the last copy')), RELOAD_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  onRevoked(l: (phone: string) => void): void {
    this.revokedListeners.push(l);
  }

  /** 0x0100: an authentication code for a provisioned, unregistered terminal; otherwise the result code. */
  async register(headerPhone: string): Promise<{ result: number; authCode: string | null; unitId: string | null }> {
    const phone = normaliseJt808Phone(headerPhone);
    const row = phone ? await this.lookup(phone) : null;
    if (!phone || !row || row.revokedAt !== null) return { result: REGISTER_RESULT.terminalUnknown, authCode: null, unitId: null };
    if (row.authCodeHash !== null) return { result: REGISTER_RESULT.terminalRegistered, authCode: null, unitId: row.unitId };
    const authCode = generatePassword();
    const hash = await hashPassword(authCode);
    const r = await this.repo.register(phone, hash);
    this.generation++;
    if (r.outcome !== 'registered') {
      return { result: r.outcome === 'already_registered' ? REGISTER_RESULT.terminalRegistered : REGISTER_RESULT.terminalUnknown, authCode: null, unitId: r.unitId };
    }
    this.byPhone.set(phone, { ...row, authCodeHash: hash, registeredAt: Date.now() });
    return { result: REGISTER_RESULT.ok, authCode, unitId: row.unitId };
  }

  /** 0x0102: the unit this terminal speaks for, or why not. */
  async authenticate(headerPhone: string, authCode: string): Promise<{ phone: string; unitId: string } | AuthRefusal> {
    const phone = normaliseJt808Phone(headerPhone);
    const row = phone ? await this.lookup(phone) : null;
    if (!phone || !row) return 'unknown_phone';
    if (row.revokedAt !== null) return 'revoked';
    if (row.authCodeHash === null) return 'not_registered';
    const hash = row.authCodeHash;
    const v = this.verified.get(phone);
    const ok = (v !== undefined && v.until > Date.now() && v.hash === hash && timingSafeEqual(v.digest, digest(authCode))) || (await verifyPassword(authCode, hash));
    if (!ok) return 'bad_auth_code';
    const now = this.byPhone.get(phone);
    if (!now || now.authCodeHash !== hash || now.revokedAt !== null) return 'revoked'; // changed while we hashed
    this.verified.set(phone, { hash, digest: digest(authCode), until: Date.now() + VERIFIED_TTL_MS });
    return { phone, unitId: row.unitId };
  }

  /** Links a phone to a unit (waiting for its 0x0100); the unit's former terminal is cut off. */
  async provision(unitId: string, headerPhone: string, actor: string): Promise<{ phone: string; unitCreated: boolean; replaced: string[] }> {
    if (!isUnitId(unitId)) throw new Jt808DirectoryError('BAD_UNIT_ID', 'unit id must match ^[A-Za-z0-9_-]{1,64}$');
    const phone = normaliseJt808Phone(headerPhone);
    if (!phone) throw new Jt808DirectoryError('BAD_PHONE', `"${headerPhone}" is not a terminal phone number: 1-20 digits as in the frame header, not all zeros`);
    const before = [...this.byPhone.values()].filter((r) => r.unitId === unitId || r.phone === phone);
    const r = await this.repo.provision(unitId, phone, actor);
    this.generation++;
    for (const b of before) {
      this.byPhone.delete(b.phone);
      this.verified.delete(b.phone);
      this.emitRevoked(b.phone);
    }
    this.byPhone.set(phone, { phone, unitId, authCodeHash: null, createdAt: Date.now(), registeredAt: null, revokedAt: null });
    return { phone, ...r };
  }

  async revoke(unitId: string, actor: string): Promise<boolean> {
    const done = await this.repo.revoke(unitId, actor);
    this.generation++;
    for (const r of this.byPhone.values()) {
      if (r.unitId !== unitId) continue;
      r.revokedAt = Date.now();
      this.verified.delete(r.phone);
      this.emitRevoked(r.phone);
    }
    return done;
  }

  async list(): Promise<Array<{ unitId: string; phone: string; registered: boolean; createdAt: string; revokedAt: string | null }>> {
    return (await this.repo.all()).map((r) => ({
      unitId: r.unitId, phone: r.phone, registered: r.authCodeHash !== null,
      createdAt: new Date(r.createdAt).toISOString(), revokedAt: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString(),
    }));
  }

  /** The cached row, or the database's for a phone provisioned since the last reload. */
  private async lookup(phone: string): Promise<Jt808TerminalRow | null> {
    const cached = this.byPhone.get(phone);
    if (cached) return cached;
    const row = await this.repo.byPhone(phone);
    if (row) this.byPhone.set(phone, row);
    return row;
  }

  private async reload(): Promise<void> {
    const generation = this.generation;
    const rows = await this.repo.all();
    if (generation !== this.generation) return;
    const seen = new Set<string>();
    for (const r of rows) {
      seen.add(r.phone);
      const before = this.byPhone.get(r.phone);
      this.byPhone.set(r.phone, r);
      const cut = before && before.revokedAt === null && (r.revokedAt !== null || before.unitId !== r.unitId || (before.authCodeHash !== null && before.authCodeHash !== r.authCodeHash));
      if (cut) this.emitRevoked(r.phone);
    }
    for (const p of [...this.byPhone.keys()]) {
      if (!seen.has(p)) {
        this.byPhone.delete(p);
        this.emitRevoked(p);
      }
    }
  }

  private emitRevoked(phone: string): void {
    for (const l of this.revokedListeners) l(phone);
  }
}
