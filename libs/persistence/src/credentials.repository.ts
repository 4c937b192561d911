import { DataSource, EntityManager } from 'typeorm';
import { type DbTimestamp, selectRow, selectRows, toMs, toMsOrNull } from './rows';

export interface CredentialRow {
  unitId: string;
  passwordHash: string;
  createdAt: number;
  revokedAt: number | null;
}

/** unit_credentials as the driver returns it. */
interface CredentialDbRow {
  unit_id: string;
  password_hash: string;
  created_at: DbTimestamp;
  revoked_at: DbTimestamp | null;
}
const COLS = 'unit_id, password_hash, created_at, revoked_at';

const row = (r: CredentialDbRow): CredentialRow => ({
  unitId: r.unit_id,
  passwordHash: r.password_hash,
  createdAt: toMs(r.created_at),
  revokedAt: toMsOrNull(r.revoked_at),
});

/**
 * unit_credentials: the stored hashes the brokers check unit passwords against. Writes take an
 * optional EntityManager so a caller can put them in one transaction with its audit row.
 */
export class CredentialsRepository {
  constructor(private readonly db: DataSource) {}

  async all(): Promise<CredentialRow[]> {
    return (await selectRows<CredentialDbRow>(this.db, `SELECT ${COLS} FROM unit_credentials ORDER BY unit_id`)).map(row);
  }

  async get(unitId: string): Promise<CredentialRow | null> {
    const r = await selectRow<CredentialDbRow>(this.db, `SELECT ${COLS} FROM unit_credentials WHERE unit_id = $1`, [unitId]);
    return r ? row(r) : null;
  }

  /** Creates the unit if it does not exist, and sets (or rotates) its hash; a revoked unit is reinstated. */
  async provision(unitId: string, passwordHash: string, m: EntityManager = this.db.manager): Promise<{ unitCreated: boolean; rotated: boolean; row: CredentialRow }> {
    const created: unknown[] = await m.query(`INSERT INTO units (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id`, [unitId]);
    const before: unknown[] = await m.query(`SELECT 1 FROM unit_credentials WHERE unit_id = $1 FOR UPDATE`, [unitId]);
    const stored = await selectRow<CredentialDbRow>(
      m,
      `INSERT INTO unit_credentials (unit_id, password_hash) VALUES ($1, $2)
       ON CONFLICT (unit_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, created_at = now(), revoked_at = NULL
       RETURNING ${COLS}`,
      [unitId, passwordHash],
    );
    return { unitCreated: created.length > 0, rotated: before.length > 0, row: row(stored!) };
  }

  /** Marks the unit's credentials revoked; false when it had none or they were already revoked. */
  async revoke(unitId: string, m: EntityManager = this.db.manager): Promise<boolean> {
    const rows: unknown[] = await m.query(
      // A CTE so the driver returns rows (a bare UPDATE comes back as [rows, count]).
      `WITH r AS (UPDATE unit_credentials SET revoked_at = now() WHERE unit_id = $1 AND revoked_at IS NULL RETURNING unit_id) SELECT unit_id FROM r`,
      [unitId],
    );
    return rows.length > 0;
  }
}
