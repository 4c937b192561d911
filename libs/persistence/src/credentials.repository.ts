import { DataSource, EntityManager } from 'typeorm';

export interface CredentialRow {
  unitId: string;
  passwordHash: string;
  createdAt: number;
  revokedAt: number | null;
}

const row = (r: Record<string, any>): CredentialRow => ({
  unitId: r.unit_id,
  passwordHash: r.password_hash,
  createdAt: new Date(r.created_at).getTime(),
  revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at).getTime(),
});

/**
 * unit_credentials: the stored hashes the brokers check unit passwords against. Writes take an
 * optional EntityManager so a caller can put them in one transaction with its audit row.
 */
export class CredentialsRepository {
  constructor(private readonly db: DataSource) {}

  async all(): Promise<CredentialRow[]> {
    const rows: Array<Record<string, any>> = await this.db.query(`SELECT unit_id, password_hash, created_at, revoked_at FROM unit_credentials ORDER BY unit_id`);
    return rows.map(row);
  }

  async get(unitId: string): Promise<CredentialRow | null> {
    const rows: Array<Record<string, any>> = await this.db.query(`SELECT unit_id, password_hash, created_at, revoked_at FROM unit_credentials WHERE unit_id = $1`, [unitId]);
    return rows.length > 0 ? row(rows[0]!) : null;
  }

  /** Creates the unit if it does not exist, and sets (or rotates) its hash; a revoked unit is reinstated. */
  async provision(unitId: string, passwordHash: string, m: EntityManager = this.db.manager): Promise<{ unitCreated: boolean; rotated: boolean; row: CredentialRow }> {
    const created: unknown[] = await m.query(`INSERT INTO units (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id`, [unitId]);
    const before: unknown[] = await m.query(`SELECT 1 FROM unit_credentials WHERE unit_id = $1 FOR UPDATE`, [unitId]);
    const rows: Array<Record<string, any>> = await m.query(
      `INSERT INTO unit_credentials (unit_id, password_hash) VALUES ($1, $2)
       ON CONFLICT (unit_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, created_at = now(), revoked_at = NULL
       RETURNING unit_id, password_hash, created_at, revoked_at`,
      [unitId, passwordHash],
    );
    return { unitCreated: created.length > 0, rotated: before.length > 0, row: row(rows[0]!) };
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
