import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

/**
 * PGlite runs no background workers, so TimescaleDB's own scheduler never fires there: this runs the
 * policy jobs (continuous-aggregate refresh, compression, retention) on a timer instead. On a real
 * TimescaleDB server the scheduler does it and this is not started.
 */
export class EmbeddedTimescaleJobs {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly db: DataSource, private readonly log: Logger, private readonly intervalMs = 60_000) {}

  start(): void {
    this.timer = setInterval(() => void this.runDue(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Runs every policy job once; returns how many ran. */
  async runDue(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let ran = 0;
    try {
      const jobs: Array<{ job_id: number; proc_name: string }> = await this.db.query(
        `SELECT job_id, proc_name FROM timescaledb_information.jobs WHERE proc_name LIKE 'policy_%' ORDER BY job_id`,
      );
      for (const j of jobs) {
        await this.db.query(`CALL run_job($1)`, [j.job_id]);
        ran++;
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'embedded TimescaleDB job run failed; will retry');
    } finally {
      this.running = false;
    }
    return ran;
  }
}
