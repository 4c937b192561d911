import type { Logger } from 'pino';
import type { IngestRepository } from '@rescue/persistence';

/** Keeps the dead-letter table bounded: every interval, the oldest rows beyond the cap go. */
export class DeadLetterTrimmer {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: Pick<IngestRepository, 'trimDeadLetters'>,
    private readonly maxRows: number,
    private readonly log: Logger,
    private readonly intervalMs = 30_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.trim(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async trim(): Promise<void> {
    try {
      const gone = await this.repo.trimDeadLetters(this.maxRows);
      if (gone > 0) this.log.info({ deleted: gone, keep: this.maxRows }, 'dead letters trimmed');
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'dead-letter trim failed; will retry');
    }
  }
}
