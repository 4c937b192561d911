import type { Logger } from 'pino';
import type { IngestBatch, WriteResult } from '@rescue/persistence';
import type { BatchSpool } from './batch-spool';
import type { IngestMetrics } from './ingest-metrics';

/** Where a batch went: the database, or the on-disk spool while the database is away (both durable). */
export type Durability = 'database' | 'spool';

/** Where committed batches go: the IngestRepository, or anything with the same contract. */
export interface BatchSink {
  write(batch: IngestBatch): Promise<WriteResult>;
}

/**
 * Makes batches durable, one at a time, in order: into the database; when the database cannot take a
 * batch, into the on-disk spool (durable, so its messages may be acknowledged), replayed in order when
 * the database returns, and while the spool is not empty new batches queue behind it. Without a spool,
 * or when the spool is full, a failed write is retried with backoff until it succeeds or stopping gives
 * up (then nothing was made durable and the caller leaves the messages to redelivery).
 */
export class DurableWriter {
  /** After stop(), how long failing writes are still retried before they are left to redelivery. */
  private stopDeadline = Infinity;
  private draining: Promise<void> | null = null;
  /** The spool refused the last batch (full): batches wait unacknowledged until the database returns. */
  private spoolRefused = false;

  constructor(
    private readonly sink: BatchSink,
    private readonly spool: BatchSpool<IngestBatch> | null,
    private readonly metrics: IngestMetrics,
    private readonly log: Logger,
    /** Told when a spooled batch has been replayed into the database. */
    private readonly onReplayed: (rows: IngestBatch) => void,
    private readonly retry = { firstMs: 100, maxMs: 5000 },
  ) {}

  get state(): { spooledBatches: number; spooledBytes: number; durableWithoutDatabase: boolean } {
    return {
      spooledBatches: this.spool?.batches ?? 0,
      spooledBytes: this.spool?.sizeBytes ?? 0,
      durableWithoutDatabase: this.spool !== null && !this.spoolRefused,
    };
  }

  /** Replays what a previous run left in the spool (call once at start). */
  resume(): void {
    if (this.spool && !this.spool.empty) {
      this.log.warn({ batches: this.spool.batches, bytes: this.spool.sizeBytes }, 'spooled batches from before the restart: replaying');
      this.startDrain();
    }
  }

  /** Writes a batch durably: where it went, or null when stopping gave up before it was anywhere. */
  async write(rows: IngestBatch): Promise<Durability | null> {
    if (this.spool) {
      // Behind a non-empty spool a batch waits its turn, so the database sees batches in order.
      if (this.spool.empty && (await this.tryWrite(rows))) return 'database';
      this.spoolRefused = !this.spool.append(rows);
      if (!this.spoolRefused) {
        this.metrics.spooled.inc();
        this.updateSpoolGauges();
        this.startDrain();
        return 'spool';
      }
      this.log.error({ bytes: this.spool.sizeBytes }, 'spool full: holding the batch unacknowledged until the database returns');
    }
    return (await this.writeWithRetry(rows)) ? 'database' : null;
  }

  /** Stopping: from now on a failing write is retried for at most graceMs, then given up. */
  giveUpAfter(graceMs: number): void {
    this.stopDeadline = Math.min(this.stopDeadline, Date.now() + graceMs);
  }

  /** Resolves when the spool replay in progress (if any) has finished or given up. */
  async replayDone(): Promise<void> {
    await this.draining;
  }

  private async tryWrite(rows: IngestBatch): Promise<boolean> {
    const end = this.metrics.commitSeconds.startTimer();
    try {
      const res = await this.sink.write(rows);
      end();
      this.metrics.databaseWritable.set(1);
      this.metrics.stored.inc(res.inserted);
      this.metrics.duplicates.inc(res.duplicates);
      return true;
    } catch (err) {
      this.metrics.writeFailures.inc();
      this.metrics.databaseWritable.set(0);
      this.log.error({ err: (err as Error).message, rows: rows.fixes.length + rows.deadLetters.length }, 'batch write failed');
      return false;
    }
  }

  private async writeWithRetry(rows: IngestBatch): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      if (await this.tryWrite(rows)) return true;
      const waitMs = Math.min(this.retry.maxMs, this.retry.firstMs * 2 ** attempt);
      if (Date.now() + waitMs > this.stopDeadline) {
        this.log.warn('stopping with an unwritten batch; it was not acknowledged, so the broker redelivers it');
        return false;
      }
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }

  /** Replays the spool into the database, oldest first, one batch at a time. */
  private startDrain(): void {
    if (this.draining || !this.spool) return;
    const spool = this.spool;
    this.draining = (async () => {
      while (!spool.empty) {
        const rows = spool.peek()!;
        if (!(await this.writeWithRetry(rows))) return; // stopping: it stays on disk
        spool.shift();
        this.updateSpoolGauges();
        this.onReplayed(rows);
        if (spool.empty) {
          this.spoolRefused = false;
          this.log.info('spool replayed into the database');
        }
      }
    })().finally(() => (this.draining = null));
  }

  private updateSpoolGauges(): void {
    this.metrics.spoolBatches.set(this.spool?.batches ?? 0);
    this.metrics.spoolBytes.set(this.spool?.sizeBytes ?? 0);
  }
}
