import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { AppConfig } from '@rescue/config';
import type { LiveFleet } from '@rescue/fleet';
import type { DeliveryLeadership, WebhookOutbox, WebhookRepository } from '@rescue/persistence';
import { DeliveryWorker, type PositionSample, type Post, PositionSampler } from '@rescue/webhooks';

const PRUNE_EVERY_MS = 3_600_000;
/** How often a server that does not deliver (another holds the lock) tries to take over. */
const LEAD_RETRY_MS = 10_000;
const DAY_MS = 86_400_000;

/**
 * Events out, running: the delivery worker over the outbox, the position sampler (unit.position at
 * WEBHOOK_POSITION_INTERVAL_S, only while a subscriber wants it) and the outbox's retention.
 */
export class WebhookDelivery {
  private readonly worker: DeliveryWorker;
  private readonly sampler = new PositionSampler();
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly repo: WebhookRepository,
    private readonly outbox: WebhookOutbox,
    private readonly fleet: LiveFleet,
    private readonly cfg: AppConfig,
    registry: Registry,
    private readonly log: Logger,
    post: Post,
    /** null: this process is the only one (embedded PGlite). */
    private readonly leadership: DeliveryLeadership | null,
  ) {
    const results = new Counter({ name: 'rc_webhook_attempts_total', help: 'Webhook delivery attempts by result (delivered, failed, dead)', labelNames: ['result'], registers: [registry] });
    const latency = new Histogram({
      name: 'rc_webhook_delivery_seconds', help: 'Time a subscriber took to accept an event (one successful attempt)',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
    });
    this.worker = new DeliveryWorker(
      repo, post,
      {
        baseMs: cfg.webhookRetryBaseMs, capMs: cfg.webhookRetryCapS * 1000, minMs: Math.min(cfg.webhookRetryBaseMs, 250),
        maxAttempts: cfg.webhookMaxAttempts, maxAgeMs: cfg.webhookMaxAgeS * 1000,
        maxConcurrent: cfg.webhookMaxConcurrency, timeoutMs: cfg.webhookTimeoutMs, pollMs: 500,
      },
      log,
      {
        onDelivered: (_l, _e, _a, ms) => { results.inc({ result: 'delivered' }); latency.observe(ms / 1000); },
        onFailed: () => results.inc({ result: 'failed' }),
        onDead: () => results.inc({ result: 'dead' }),
      },
    );
    outbox.onCommitted(() => this.worker.wake());
  }

  async start(): Promise<void> {
    if (!this.leadership || (await this.leadership.tryLead())) {
      this.lead();
      return;
    }
    this.log.info({ retryS: LEAD_RETRY_MS / 1000 }, 'another server delivers webhooks; standing by');
    this.every(LEAD_RETRY_MS, async () => {
      if (this.leadership!.leading || !(await this.leadership!.tryLead())) return;
      this.log.info('taking over webhook delivery');
      this.lead();
    });
  }

  private lead(): void {
    // The fixes the fleet was loaded with at start-up went out before the restart: a unit's position
    // goes out again with its next fix, not as a second event for the same one.
    this.sampler.sample(this.latestFixes());
    this.worker.start();
    if (this.cfg.webhookPositionIntervalS > 0) {
      this.every(this.cfg.webhookPositionIntervalS * 1000, () => this.samplePositions());
    }
    this.every(PRUNE_EVERY_MS, () => this.prune());
  }

  /** Waits for the attempts in flight to be recorded (before the database closes). */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.worker.stop();
    await this.leadership?.release();
  }

  /** An admin change (new subscriber, resume, replay): look now. */
  changed(): void {
    this.worker.wake();
  }

  private every(ms: number, job: () => Promise<void>): void {
    let running = false;
    const t = setInterval(() => {
      if (running) return;
      running = true;
      void job().catch((err: Error) => this.log.error({ err: err.message }, 'webhook job failed')).finally(() => (running = false));
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  /** Each unit's newest fix as the live fleet has it. */
  private latestFixes(): PositionSample[] {
    const samples: PositionSample[] = [];
    for (const u of this.fleet.inOrder()) {
      if (!u.lastFix) continue;
      samples.push({ unitId: u.unitId, ts: u.lastFix.ts, lat: u.lastFix.lat, lon: u.lastFix.lon, speedKmh: u.lastFix.speedKmh, headingDeg: u.lastFix.headingDeg, status: u.status, taskId: u.taskId });
    }
    return samples;
  }

  private async samplePositions(): Promise<void> {
    if (!(await this.repo.wants('unit.position'))) return;
    await this.outbox.appendNow(this.sampler.sample(this.latestFixes()));
  }

  private async prune(): Promise<void> {
    const n = await this.outbox.prune(Date.now() - this.cfg.webhookRetentionDays * DAY_MS);
    if (n > 0) this.log.info({ deleted: n, retentionDays: this.cfg.webhookRetentionDays }, 'webhook outbox pruned');
  }
}
