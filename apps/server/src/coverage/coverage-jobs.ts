import { randomUUID } from 'node:crypto';
import { DomainError } from '@rescue/common';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface Job<R> {
  id: string;
  kind: string;
  status: JobStatus;
  createdAt: string;
  finishedAt: string | null;
  progress: { phase: string; done: number; total: number };
  /** Message of a failed job, and its stable code. */
  error: string | null;
  errorCode: string | null;
  result: R | null;
}

/** The waiting bound is reached: 429, retry later. */
export class QueueFullError extends DomainError<'QUEUE_FULL'> {
  constructor(message: string) {
    super('QUEUE_FULL', message);
  }
}

/**
 * Long coverage work as jobs: one runs at a time (the searches are CPU-bound on this thread), at
 * most `maxQueued` wait, and the `keep` most recent finished jobs stay readable. Both bounds keep
 * memory flat whatever clients send.
 */
export class CoverageJobs<R> {
  private readonly jobs = new Map<string, Job<R>>();
  private readonly waiting: Array<{ job: Job<R>; run: (job: Job<R>) => Promise<R> }> = [];
  private running = false;

  constructor(
    private readonly maxQueued: number,
    private readonly keep: number,
    /** Told of failures that are bugs (no domain error code); the service passes its Nest logger. */
    private readonly onBug: (message: string) => void = () => {},
  ) {}

  submit(kind: string, run: (job: Job<R>) => Promise<R>): Job<R> {
    if (this.waiting.length >= this.maxQueued) throw new QueueFullError(`${this.waiting.length} coverage jobs already waiting (limit ${this.maxQueued}); retry later`);
    const job: Job<R> = { id: randomUUID(), kind, status: 'queued', createdAt: new Date().toISOString(), finishedAt: null, progress: { phase: 'queued', done: 0, total: 1 }, error: null, errorCode: null, result: null };
    this.jobs.set(job.id, job);
    this.waiting.push({ job, run });
    setImmediate(() => void this.pump());
    return job;
  }

  get(id: string): Job<R> | null {
    return this.jobs.get(id) ?? null;
  }

  /** Wait until a job has finished (tests and callers that want the result in-line). */
  async settled(id: string): Promise<Job<R> | null> {
    for (;;) {
      const j = this.jobs.get(id);
      if (!j || j.status === 'done' || j.status === 'failed') return j ?? null;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
        const { job, run } = next;
        job.status = 'running';
        try {
          job.result = await run(job);
          job.status = 'done';
        } catch (e) {
          const err = e as Error & { code?: string };
          job.status = 'failed';
          job.error = err.message;
          job.errorCode = err.code ?? 'INTERNAL';
          if (!err.code) this.onBug(`coverage job ${job.id} failed: ${err.stack ?? err.message}`);
        }
        job.finishedAt = new Date().toISOString();
        this.trim();
      }
    } finally {
      this.running = false;
    }
  }

  private trim(): void {
    const finished = [...this.jobs.values()].filter((j) => j.status === 'done' || j.status === 'failed');
    for (const j of finished.slice(0, Math.max(0, finished.length - this.keep))) this.jobs.delete(j.id);
  }
}
