import { DataSource } from 'typeorm';
import { AuditRepository } from './audit.repository';
import { type DbTimestamp, selectRow, selectRows, toMs, toMsOrNull } from './rows';

export interface Jt808TerminalRow {
  /** Normalised phone: the header's digits without leading zeros. */
  phone: string;
  unitId: string;
  authCodeHash: string | null;
  createdAt: number;
  registeredAt: number | null;
  revokedAt: number | null;
}

/** The header's phone digits (12 in 2013, 20 in 2019, zero-padded) → the stored key; null if not digits. */
export function normaliseJt808Phone(digits: string): string | null {
  if (!/^\d{1,20}$/.test(digits)) return null;
  const p = digits.replace(/^0+/, '');
  return p.length > 0 ? p : null;
}

const COLS = 'phone, unit_id, auth_code_hash, created_at, registered_at, revoked_at';
/** jt808_terminals as the driver returns it. */
interface Jt808TerminalDbRow {
  phone: string;
  unit_id: string;
  auth_code_hash: string | null;
  created_at: DbTimestamp;
  registered_at: DbTimestamp | null;
  revoked_at: DbTimestamp | null;
}
const row = (r: Jt808TerminalDbRow): Jt808TerminalRow => ({
  phone: r.phone,
  unitId: r.unit_id,
  authCodeHash: r.auth_code_hash,
  createdAt: toMs(r.created_at),
  registeredAt: toMsOrNull(r.registered_at),
  revokedAt: toMsOrNull(r.revoked_at),
});

export type Jt808RegisterOutcome = 'registered' | 'unknown' | 'already_registered' | 'revoked';

/** jt808_terminals: which unit a terminal phone speaks for, and its hashed authentication code. */
export class Jt808TerminalsRepository {
  constructor(private readonly db: DataSource) {}

  async all(): Promise<Jt808TerminalRow[]> {
    return (await selectRows<Jt808TerminalDbRow>(this.db, `SELECT ${COLS} FROM jt808_terminals ORDER BY unit_id`)).map(row);
  }

  async byPhone(phone: string): Promise<Jt808TerminalRow | null> {
    const r = await selectRow<Jt808TerminalDbRow>(this.db, `SELECT ${COLS} FROM jt808_terminals WHERE phone = $1`, [phone]);
    return r ? row(r) : null;
  }

  /**
   * Links the phone to the unit (creating the unit if needed), replacing the unit's previous terminal
   * and any earlier owner of the phone, waiting for registration (no code yet); audited.
   */
  async provision(unitId: string, phone: string, actor: string): Promise<{ unitCreated: boolean; replaced: string[] }> {
    return this.db.transaction(async (m) => {
      const created: unknown[] = await m.query(`INSERT INTO units (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id`, [unitId]);
      const gone: Array<{ phone: string; unit_id: string }> = await m.query(
        `WITH d AS (DELETE FROM jt808_terminals WHERE (unit_id = $1 OR phone = $2) RETURNING phone, unit_id) SELECT phone, unit_id FROM d`,
        [unitId, phone],
      );
      await m.query(`INSERT INTO jt808_terminals (phone, unit_id) VALUES ($1, $2)`, [phone, unitId]);
      const replaced = gone.map((g) => (g.unit_id === unitId ? `phone:${g.phone}` : `unit:${g.unit_id}`));
      await new AuditRepository(this.db).append({ actor, action: 'jt808.provision', subject: `unit:${unitId}`, detail: { phone, unitCreated: created.length > 0, replaced } }, m);
      return { unitCreated: created.length > 0, replaced };
    });
  }

  /** Stores the hash of the code given in 0x8100, once: a registered terminal cannot register again. */
  async register(phone: string, authCodeHash: string): Promise<{ outcome: Jt808RegisterOutcome; unitId: string | null }> {
    return this.db.transaction(async (t) => {
      const locked = await selectRow<Jt808TerminalDbRow>(t, `SELECT ${COLS} FROM jt808_terminals WHERE phone = $1 FOR UPDATE`, [phone]);
      if (!locked) return { outcome: 'unknown' as const, unitId: null };
      const r = row(locked);
      if (r.revokedAt !== null) return { outcome: 'revoked' as const, unitId: r.unitId };
      if (r.authCodeHash !== null) return { outcome: 'already_registered' as const, unitId: r.unitId };
      await t.query(`UPDATE jt808_terminals SET auth_code_hash = $2, registered_at = now() WHERE phone = $1`, [phone, authCodeHash]);
      await new AuditRepository(this.db).append({ actor: `jt808:${phone}`, action: 'jt808.register', subject: `unit:${r.unitId}`, detail: { phone } }, t);
      return { outcome: 'registered' as const, unitId: r.unitId };
    });
  }

  /** Revokes the unit's terminal, audited; false when it had none active. */
  async revoke(unitId: string, actor: string): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const rows: unknown[] = await m.query(
        `WITH r AS (UPDATE jt808_terminals SET revoked_at = now() WHERE unit_id = $1 AND revoked_at IS NULL RETURNING phone) SELECT phone FROM r`,
        [unitId],
      );
      if (rows.length > 0) await new AuditRepository(this.db).append({ actor, action: 'jt808.revoke', subject: `unit:${unitId}` }, m);
      return rows.length > 0;
    });
  }
}
