import type { IngestBatch } from '@rescue/persistence';
import type { HeldAck } from './deferred-pubacks';

/** Rows of several messages on their way to one transaction, with what waits for it to be durable. */
export class OpenBatch {
  readonly rows: IngestBatch = { fixes: [], deadLetters: [], statuses: [], presences: [] };
  /** PUBACKs of the MQTT messages in it. */
  readonly acks: HeldAck[] = [];
  /** Gateway receipts of the relayed JT/T 808 messages in it (told to DurableIngest listeners). */
  readonly receipts: string[] = [];
  messages = 0;

  get size(): number {
    const r = this.rows;
    return r.fixes.length + r.deadLetters.length + r.statuses.length + r.presences.length;
  }

  /** Appends another closed batch, keeping message order (group commit of a backlog). */
  absorb(other: OpenBatch): void {
    for (const k of ['fixes', 'deadLetters', 'statuses', 'presences'] as const) {
      for (const r of other.rows[k]) (this.rows[k] as unknown[]).push(r);
    }
    if (other.rows.alarmReports) for (const r of other.rows.alarmReports) (this.rows.alarmReports ??= []).push(r);
    for (const a of other.acks) this.acks.push(a);
    for (const r of other.receipts) this.receipts.push(r);
    this.messages += other.messages;
  }
}

export interface BatcherOptions {
  /** Rows at which the open batch closes. */
  maxRows: number;
  /** How long the first message of a batch waits for company. */
  maxWaitMs: number;
  /** How many batches' worth of rows one transaction may take when a backlog waits. */
  groupFactor: number;
}

/**
 * Group commit: rows go into the open batch, which closes at maxRows or maxWaitMs after its first
 * message; closed batches are committed one at a time, in order, by `commit`. Batches that pile up
 * while a commit is in flight are merged into the next (up to groupFactor × maxRows): a commit costs a
 * WAL flush whatever its size, so a backlog drains in fewer of them.
 */
export class Batcher {
  private open = new OpenBatch();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly closed: OpenBatch[] = [];

  constructor(
    private readonly opts: BatcherOptions,
    private readonly commit: (batch: OpenBatch) => Promise<void>,
  ) {}

  /** The batch new rows go into; call added() after each message. */
  get current(): OpenBatch {
    return this.open;
  }

  /** After one message's rows went into `current`: closes it when full, else makes sure time will. */
  added(): void {
    if (this.open.size >= this.opts.maxRows) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.opts.maxWaitMs);
  }

  /** Closes the open batch (if it holds anything) and resolves when every closed batch is committed. */
  flush(): Promise<void> {
    this.cancelTimer();
    const batch = this.open;
    if (batch.messages === 0) return this.writing;
    this.open = new OpenBatch();
    this.closed.push(batch);
    this.writing = this.writing.then(() => this.commitNext());
    return this.writing;
  }

  /** Stops the timer (a crash: what is open stays unacknowledged). */
  cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async commitNext(): Promise<void> {
    const first = this.closed.shift();
    if (!first) return; // an earlier turn already took this batch into its group
    const limit = this.opts.maxRows * this.opts.groupFactor;
    while (this.closed.length > 0 && first.size + this.closed[0]!.size <= limit) first.absorb(this.closed.shift()!);
    await this.commit(first);
  }
}
