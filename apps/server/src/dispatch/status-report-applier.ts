import type { Logger } from 'pino';
import { isUnitStatus } from '@rescue/contracts';
import type { TaskRepository } from '@rescue/persistence';
import { DispatchError } from '@rescue/dispatch';
import type { TaskLifecycleService } from './task-lifecycle.service';

/**
 * Applies terminal status reports that ingest stored (unit_status_reports), oldest first, through the
 * same checked lifecycle as dispatcher events; each report's verdict is recorded. Runs after every
 * ingest commit that carried statuses and once at start-up (reports stored before a crash).
 */
export class StatusReportApplier {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly repo: TaskRepository,
    private readonly lifecycle: TaskLifecycleService,
    private readonly log: Logger,
    private readonly batch = 500,
  ) {}

  /** Starts a pass, or asks the running one to go round once more. Resolves when no report waits. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => (this.running = null));
    return this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        const reports = await this.repo.pendingStatusReports(this.batch);
        if (reports.length === 0) break;
        for (const r of reports) await this.applyOne(r);
      }
    } while (this.again);
  }

  private async applyOne(r: Awaited<ReturnType<TaskRepository['pendingStatusReports']>>[number]): Promise<void> {
    let applied = false;
    let verdict: string;
    try {
      if (!isUnitStatus(r.status)) throw new DispatchError('ILLEGAL_TRANSITION', `unknown status ${r.status}`);
      const res = await this.lifecycle.transition({ unitId: r.unitId, to: r.status, ts: r.ts, source: r.source, taskId: r.taskId, reason: null, actor: `unit:${r.unitId}` });
      applied = true;
      verdict = res.noop ? 'noop' : 'applied';
    } catch (e) {
      if (!(e instanceof DispatchError)) {
        this.log.error({ err: (e as Error).message, reportId: r.id }, 'status report failed; will retry');
        throw e;
      }
      verdict = `${e.code}: ${e.message}`;
      this.log.warn({ unitId: r.unitId, status: r.status, code: e.code }, 'terminal status report refused');
    }
    await this.repo.markStatusReport(r.id, applied, verdict);
  }
}
