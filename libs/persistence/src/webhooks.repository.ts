import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { NotFoundError } from '@rescue/common';
import { type DeliveryStore, EVENT_VERSION, type EventDraft, type EventType, type Lane, type StoredEvent } from '@rescue/webhooks';
import { AuditRepository } from './audit.repository';
import { type DbBigint, type DbTimestamp, execute, selectRow, selectRows, toIso, toMs, toMsOrNull } from './rows';
import type { Queryable } from './timescale';

/** Key of the transaction-scoped advisory lock that orders outbox appends ('outbox' in ASCII). */
const OUTBOX_LOCK = 0x6f7574626f78;
/** Key of the session advisory lock held by the one process that delivers ('whdlvr'). */
const DELIVERY_LOCK = 0x7768646c7672;

/**
 * Which process delivers webhooks when several servers share one PostgreSQL: the one holding a session
 * advisory lock on a connection of its own (kept until release() or the connection ends; then another
 * takes over at its next try). Two deliverers would break the order per subscriber. The embedded PGlite
 * belongs to one process and has one connection, so there it is not needed (and would hold that connection).
 */
export class DeliveryLeadership {
  private runner: QueryRunner | null = null;

  constructor(private readonly db: DataSource) {}

  get leading(): boolean {
    return this.runner !== null;
  }

  async tryLead(): Promise<boolean> {
    if (this.runner) return true;
    const runner = this.db.createQueryRunner();
    try {
      await runner.connect();
      const rows = (await runner.query(`SELECT pg_try_advisory_lock($1) AS ok`, [DELIVERY_LOCK])) as Array<{ ok: boolean }>;
      if (rows[0]?.ok === true) {
        this.runner = runner;
        return true;
      }
    } catch {
      /* not now: the database is away; the caller tries again */
    }
    await runner.release().catch(() => undefined);
    return false;
  }

  async release(): Promise<void> {
    const r = this.runner;
    this.runner = null;
    if (!r) return;
    await r.query(`SELECT pg_advisory_unlock($1)`, [DELIVERY_LOCK]).catch(() => undefined);
    await r.release().catch(() => undefined);
  }
}

/**
 * The transactional outbox of events out (webhooks). How to publish an event:
 *
 *   // inside the transaction of the change (TaskRepository.withTransaction / withUnitLocked):
 *   await tx.emit({ type: 'task.hospital_assigned', subject: `task:${taskId}`, occurredAt: now, data: { taskId, hospitalId } });
 *
 *   // or with any EntityManager/QueryRunner of an open transaction in libs/persistence:
 *   await outbox.append(manager, { type, subject, occurredAt, data });
 *
 * The event commits with the change or not at all. Append it **last** in the transaction: appends take
 * one advisory lock until commit (so `seq` follows commit order), and work after it would hold that
 * lock longer. After the commit, call `committed()` (the TaskRepository does) so the delivery worker
 * looks at once instead of at its next poll. `data` must be JSON; `subject` is `task:<id>` or
 * `unit:<id>`. Types and their data are documented in docs/webhooks.asyncapi.yaml.
 */
export class WebhookOutbox {
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly db: DataSource) {}

  async append(m: Queryable, drafts: EventDraft | readonly EventDraft[]): Promise<void> {
    const list = Array.isArray(drafts) ? (drafts as readonly EventDraft[]) : [drafts as EventDraft];
    if (list.length === 0) return;
    await execute(m, `SELECT pg_advisory_xact_lock($1)`, [OUTBOX_LOCK]);
    await execute(
      m,
      `INSERT INTO webhook_outbox (id, type, version, subject, occurred_at, data)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::jsonb[])`,
      [list.map(() => randomUUID()), list.map((d) => d.type), list.map(() => EVENT_VERSION), list.map((d) => d.subject),
        list.map((d) => toIso(d.occurredAt)), list.map((d) => JSON.stringify(d.data))],
    );
  }

  /** Appends in a transaction of its own (events that report no other change: sampled positions). */
  async appendNow(drafts: readonly EventDraft[]): Promise<void> {
    if (drafts.length === 0) return;
    await this.db.transaction((m) => this.append(m, drafts));
    this.committed();
  }

  /** Told after a transaction that appended has committed. */
  onCommitted(listener: () => void): void {
    this.listeners.push(listener);
  }

  committed(): void {
    for (const l of this.listeners) l();
  }

  /** Deletes events written before `before` (and their dead letters); returns how many went. */
  async prune(before: number): Promise<number> {
    const rows = await selectRows<{ n: string }>(
      this.db,
      `WITH gone AS (DELETE FROM webhook_outbox WHERE created_at < $1 RETURNING 1) SELECT count(*)::text AS n FROM gone`,
      [toIso(before)],
    );
    return Number(rows[0]?.n ?? 0);
  }
}

export interface WebhookSubscriber {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  paused: boolean;
  cursor: number;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  lastAttemptAt: number | null;
  lastDeliveredAt: number | null;
  deliveredCount: number;
  deadLetters: number;
  /** Events of its types waiting above the cursor. */
  backlog: number;
  createdAt: number;
  createdBy: string;
}

export interface DeadLetter {
  id: number;
  eventSeq: number;
  eventId: string;
  type: string;
  attempts: number;
  lastError: string;
  deadAt: number;
}

interface SubscriberColumns {
  id: string;
  url: string;
  events: string[];
  secret: string;
  description: string | null;
  paused: boolean;
  cursor: DbBigint;
  attempts: number;
  next_attempt_at: DbTimestamp | null;
  last_error: string | null;
  last_attempt_at: DbTimestamp | null;
  last_delivered_at: DbTimestamp | null;
  delivered_count: DbBigint;
  generation: number;
  created_at: DbTimestamp;
  created_by: string;
}

interface OutboxColumns {
  seq: DbBigint;
  id: string;
  type: EventType;
  version: number;
  subject: string;
  occurred_at: DbTimestamp;
  created_at: DbTimestamp;
  data: Record<string, unknown> | string;
}

const OUTBOX_COLUMNS = 'seq, id, type, version, subject, occurred_at, created_at, data';
/** Events of the subscriber `s` above its cursor. */
const MATCHES = `(s.events @> ARRAY['*'] OR o.type = ANY(s.events))`;

function toEvent(r: OutboxColumns): StoredEvent {
  return {
    seq: Number(r.seq), id: r.id, type: r.type, version: Number(r.version), subject: r.subject, occurredAt: toMs(r.occurred_at),
    createdAt: toMs(r.created_at), data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data,
  };
}

/**
 * Webhook subscribers (admin API) and the durable delivery state of @rescue/webhooks' DeliveryWorker.
 * Admin changes are audited in their own transaction and bump `generation`, which fences the writes
 * of an attempt already under way.
 */
export class WebhookRepository implements DeliveryStore {
  private readonly auditTrail: AuditRepository;

  constructor(private readonly db: DataSource) {
    this.auditTrail = new AuditRepository(db);
  }

  async create(s: { url: string; events: string[]; secret: string; description: string | null }, actor: string): Promise<WebhookSubscriber> {
    const id = `wh_${randomBytes(9).toString('base64url')}`;
    await this.db.transaction(async (m) => {
      // a new subscriber starts with the events after now (replay reaches back)
      await execute(
        m,
        `INSERT INTO webhook_subscribers (id, url, events, secret, description, cursor, created_by)
         VALUES ($1, $2, $3, $4, $5, (SELECT coalesce(max(seq), 0) FROM webhook_outbox), $6)`,
        [id, s.url, s.events, s.secret, s.description, actor],
      );
      await this.auditTrail.append({ actor, action: 'webhook.create', subject: `webhook:${id}`, detail: { url: s.url, events: s.events, description: s.description } }, m);
    });
    return (await this.get(id))!;
  }

  async list(): Promise<WebhookSubscriber[]> {
    return this.summaries(null);
  }

  async get(id: string): Promise<WebhookSubscriber | null> {
    return (await this.summaries(id))[0] ?? null;
  }

  private async summaries(id: string | null): Promise<WebhookSubscriber[]> {
    const rows = await selectRows<SubscriberColumns & { dead: DbBigint; backlog: DbBigint }>(
      this.db,
      `SELECT s.*,
              (SELECT count(*) FROM webhook_dead_letters d WHERE d.subscriber_id = s.id) AS dead,
              (SELECT count(*) FROM webhook_outbox o WHERE o.seq > s.cursor AND ${MATCHES}) AS backlog
         FROM webhook_subscribers s WHERE ($1::text IS NULL OR s.id = $1) ORDER BY s.created_at, s.id`,
      [id],
    );
    return rows.map((r) => ({
      id: r.id, url: r.url, events: r.events, description: r.description, paused: r.paused, cursor: Number(r.cursor), attempts: Number(r.attempts),
      nextAttemptAt: toMsOrNull(r.next_attempt_at), lastError: r.last_error, lastAttemptAt: toMsOrNull(r.last_attempt_at),
      lastDeliveredAt: toMsOrNull(r.last_delivered_at), deliveredCount: Number(r.delivered_count), deadLetters: Number(r.dead),
      backlog: Number(r.backlog), createdAt: toMs(r.created_at), createdBy: r.created_by,
    }));
  }

  async remove(id: string, actor: string): Promise<void> {
    await this.change(id, actor, 'webhook.delete', {}, `WITH c AS (DELETE FROM webhook_subscribers WHERE id = $1 RETURNING id) SELECT id FROM c`, []);
  }

  async setPaused(id: string, paused: boolean, actor: string): Promise<WebhookSubscriber> {
    await this.change(id, actor, paused ? 'webhook.pause' : 'webhook.resume', {},
      `WITH c AS (UPDATE webhook_subscribers SET paused = $2, generation = generation + 1, next_attempt_at = NULL WHERE id = $1 RETURNING id) SELECT id FROM c`, [paused]);
    return (await this.get(id))!;
  }

  /**
   * Delivers again from event `fromSeq` on (dead letters included): the cursor goes back to just before
   * it. The events keep their ids, so receivers that dedupe ignore what they already have.
   */
  async replay(id: string, fromSeq: number, actor: string): Promise<WebhookSubscriber> {
    await this.change(id, actor, 'webhook.replay', { fromSeq },
      `WITH c AS (UPDATE webhook_subscribers SET cursor = $2, attempts = 0, next_attempt_at = NULL, generation = generation + 1 WHERE id = $1 RETURNING id) SELECT id FROM c`,
      [Math.max(0, fromSeq - 1)]);
    return (await this.get(id))!;
  }

  /** The first event written at or after `at`, as a sequence number to replay from (past the head if none). */
  async seqAt(at: number): Promise<number> {
    const r = await selectRow<{ seq: DbBigint | null; head: DbBigint | null }>(
      this.db,
      `SELECT (SELECT min(seq) FROM webhook_outbox WHERE created_at >= $1) AS seq, (SELECT max(seq) FROM webhook_outbox) AS head`,
      [toIso(at)],
    );
    return r?.seq !== null && r?.seq !== undefined ? Number(r.seq) : Number(r?.head ?? 0) + 1;
  }

  async deadLetters(id: string, limit = 100): Promise<DeadLetter[]> {
    const rows = await selectRows<{ id: DbBigint; event_seq: DbBigint; event_id: string; type: string; attempts: number; last_error: string; dead_at: DbTimestamp }>(
      this.db,
      `SELECT d.id, d.event_seq, o.id AS event_id, o.type, d.attempts, d.last_error, d.dead_at
         FROM webhook_dead_letters d JOIN webhook_outbox o ON o.seq = d.event_seq WHERE d.subscriber_id = $1 ORDER BY d.id DESC LIMIT $2`,
      [id, limit],
    );
    return rows.map((r) => ({ id: Number(r.id), eventSeq: Number(r.event_seq), eventId: r.event_id, type: r.type, attempts: Number(r.attempts), lastError: r.last_error, deadAt: toMs(r.dead_at) }));
  }

  private async change(id: string, actor: string, action: string, detail: Record<string, unknown>, sql: string, params: unknown[]): Promise<void> {
    await this.db.transaction(async (m) => {
      const hit = await selectRows<{ id: string }>(m, sql, [id, ...params]);
      if (hit.length === 0) throw new NotFoundError(`no webhook subscriber ${id}`, { id });
      await this.auditTrail.append({ actor, action, subject: `webhook:${id}`, detail }, m);
    });
  }

  /** Whether a subscriber that is not paused asks for events of this type. */
  async wants(type: string): Promise<boolean> {
    const r = await selectRow<{ yes: boolean }>(
      this.db,
      `SELECT EXISTS (SELECT 1 FROM webhook_subscribers WHERE NOT paused AND (events @> ARRAY['*'] OR $1 = ANY(events))) AS yes`,
      [type],
    );
    return r?.yes === true;
  }

  // --- DeliveryStore -------------------------------------------------------------------------------

  async lanes(): Promise<Lane[]> {
    const rows = await selectRows<SubscriberColumns & { pending: boolean }>(
      this.db,
      `SELECT s.*, EXISTS (SELECT 1 FROM webhook_outbox o WHERE o.seq > s.cursor AND ${MATCHES}) AS pending
         FROM webhook_subscribers s ORDER BY s.created_at, s.id`,
    );
    return rows.map((r) => ({
      id: r.id, url: r.url, secret: r.secret, events: r.events, paused: r.paused, cursor: Number(r.cursor), attempts: Number(r.attempts),
      nextAttemptAt: toMsOrNull(r.next_attempt_at), generation: Number(r.generation), pending: r.pending === true,
    }));
  }

  async nextEvent(cursor: number, events: readonly string[]): Promise<StoredEvent | null> {
    const all = events.includes('*');
    const r = await selectRow<OutboxColumns>(
      this.db,
      `SELECT ${OUTBOX_COLUMNS} FROM webhook_outbox WHERE seq > $1 AND ($2::boolean OR type = ANY($3::text[])) ORDER BY seq LIMIT 1`,
      [cursor, all, [...events]],
    );
    return r ? toEvent(r) : null;
  }

  async delivered(lane: Lane, e: StoredEvent, _attempts: number): Promise<boolean> {
    return this.fenced(lane, `cursor = $3, attempts = 0, next_attempt_at = NULL, last_error = NULL, last_attempt_at = now(), last_delivered_at = now(),
      delivered_count = delivered_count + 1`, [e.seq]);
  }

  async failed(lane: Lane, _e: StoredEvent, attempts: number, nextAttemptAt: number, error: string): Promise<boolean> {
    return this.fenced(lane, `attempts = $3, next_attempt_at = $4, last_error = $5, last_attempt_at = now()`, [attempts, toIso(nextAttemptAt), error]);
  }

  async deadLettered(lane: Lane, e: StoredEvent, attempts: number, error: string): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const hit = await selectRows<{ id: string }>(
        m,
        `WITH c AS (UPDATE webhook_subscribers SET cursor = $3, attempts = 0, next_attempt_at = NULL, last_error = $4, last_attempt_at = now()
          WHERE id = $1 AND generation = $2 RETURNING id) SELECT id FROM c`,
        [lane.id, lane.generation, e.seq, error],
      );
      if (hit.length === 0) return false;
      await execute(m, `INSERT INTO webhook_dead_letters (subscriber_id, event_seq, attempts, last_error) VALUES ($1, $2, $3, $4)`, [lane.id, e.seq, attempts, error]);
      return true;
    });
  }

  private async fenced(lane: Lane, set: string, params: unknown[]): Promise<boolean> {
    const hit = await selectRows<{ id: string }>(this.db, `WITH c AS (UPDATE webhook_subscribers SET ${set} WHERE id = $1 AND generation = $2 RETURNING id) SELECT id FROM c`, [lane.id, lane.generation, ...params]);
    return hit.length > 0;
  }
}
