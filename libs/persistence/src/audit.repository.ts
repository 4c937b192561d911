import { DataSource, EntityManager } from 'typeorm';
import { type DbBigint, type DbTimestamp, selectRows, toMs } from './rows';

/**
 * One audit record to append. `actor`: who, as `key:<api-key name>` (an API caller), `unit:<id>` (a
 * terminal's own report) or `system:<part>`. `action`: what, dotted (`task.create`, `task.event`,
 * `credential.provision`, ...). `subject`: what it was done to (`task:<id>`, `unit:<id>`).
 */
export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  detail?: Record<string, unknown>;
}

export interface AuditRecord {
  id: number;
  /** ms since epoch, the database's clock at insert. */
  at: number;
  actor: string;
  action: string;
  subject: string;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  subject?: string | null;
  actor?: string | null;
  /** Only records with an id below this (paging back). */
  beforeId?: number | null;
  limit: number;
}

/** Most records one query returns. */
export const AUDIT_MAX_LIMIT = 1000;

/** audit_log as the driver returns it (detail: jsonb, parsed by pg, a string from PGlite). */
interface AuditDbRow {
  id: DbBigint;
  at: DbTimestamp;
  actor: string;
  action: string;
  subject: string;
  detail: Record<string, unknown> | string | null;
}

const record = (r: AuditDbRow): AuditRecord => ({
  id: Number(r.id),
  at: toMs(r.at),
  actor: r.actor,
  action: r.action,
  subject: r.subject,
  detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : (r.detail ?? {}),
});

/**
 * The append-only audit trail (table audit_log; UPDATE, DELETE and TRUNCATE are refused by triggers).
 * `append` takes the caller's transaction manager so the change and its record commit together or not
 * at all; without one it writes on its own.
 */
export class AuditRepository {
  constructor(private readonly db: DataSource) {}

  async append(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await (manager ?? this.db.manager).query(
      `INSERT INTO audit_log (actor, action, subject, detail) VALUES ($1, $2, $3, $4::jsonb)`,
      [entry.actor, entry.action, entry.subject, JSON.stringify(entry.detail ?? {})],
    );
  }

  /** The latest `limit` matching records, returned oldest first. */
  async list(q: AuditQuery): Promise<AuditRecord[]> {
    const limit = Math.max(1, Math.min(AUDIT_MAX_LIMIT, Math.floor(q.limit)));
    const rows = await selectRows<AuditDbRow>(
      this.db,
      `SELECT id, at, actor, action, subject, detail FROM audit_log
       WHERE ($1::text IS NULL OR subject = $1) AND ($2::text IS NULL OR actor = $2) AND ($3::bigint IS NULL OR id < $3)
       ORDER BY id DESC LIMIT $4`,
      [q.subject ?? null, q.actor ?? null, q.beforeId ?? null, limit],
    );
    return rows.reverse().map(record);
  }

  /** Records with `from <= at < to`, oldest first, `limit` at most after `afterId` (paging through an export). */
  async range(from: number, to: number, afterId: number, limit: number): Promise<AuditRecord[]> {
    const rows = await selectRows<AuditDbRow>(
      this.db,
      `SELECT id, at, actor, action, subject, detail FROM audit_log WHERE at >= $1 AND at < $2 AND id > $3 ORDER BY id LIMIT $4`,
      [new Date(from).toISOString(), new Date(to).toISOString(), afterId, limit],
    );
    return rows.map(record);
  }
}
