import { envelopeOf, type StoredEvent } from './events';
import { afterFailure, type RetryPolicy } from './backoff';
import { HEADER_ATTEMPT, HEADER_EVENT_ID, HEADER_EVENT_TYPE, HEADER_SIGNATURE, HEADER_TIMESTAMP, signatureOf } from './signature';

/** A subscriber as the worker needs it: where, what, and where its delivery stands. */
export interface Lane {
  id: string;
  url: string;
  secret: string;
  events: readonly string[];
  paused: boolean;
  /** Sequence of the last event done (delivered or dead-lettered); the next is the first above it. */
  cursor: number;
  /** Failed attempts of the event after the cursor. */
  attempts: number;
  /** Not before this (ms), after a failure. */
  nextAttemptAt: number | null;
  /** Bumped by every admin change (replay, pause): a delivery started under an older one records nothing. */
  generation: number;
  /** Whether an event waits above the cursor, when the store knows (an idle lane then takes no slot). */
  pending?: boolean;
}

/**
 * Durable delivery state. Every write is fenced by (lane id, generation) and says whether it landed:
 * false when an admin change overtook the attempt (the lane then stops and restarts from the store).
 */
export interface DeliveryStore {
  lanes(): Promise<Lane[]>;
  /** The first event above `cursor` of the given types (or all with `*`), or null. */
  nextEvent(cursor: number, events: readonly string[]): Promise<StoredEvent | null>;
  /** 2xx received: the cursor moves to the event. */
  delivered(lane: Lane, e: StoredEvent, attempts: number): Promise<boolean>;
  failed(lane: Lane, e: StoredEvent, attempts: number, nextAttemptAt: number, error: string): Promise<boolean>;
  /** Given up: the event is kept as a dead letter (replayable) and the cursor moves past it. */
  deadLettered(lane: Lane, e: StoredEvent, attempts: number, error: string): Promise<boolean>;
}

export interface HttpResult {
  status: number;
}

/** POSTs one body; throws on a network error or timeout. */
export type Post = (url: string, headers: Record<string, string>, body: string, timeoutMs: number) => Promise<HttpResult>;

export interface DeliveryOptions extends RetryPolicy {
  /** Requests in flight across all subscribers. */
  maxConcurrent: number;
  timeoutMs: number;
  /** How often lanes and the outbox are looked at when nobody calls wake(). */
  pollMs: number;
}

export interface DeliveryLog {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
  error(o: object, msg: string): void;
}

export interface DeliveryEvents {
  onDelivered?(laneId: string, e: StoredEvent, attempts: number, ms: number): void;
  onFailed?(laneId: string, e: StoredEvent, attempts: number, error: string): void;
  onDead?(laneId: string, e: StoredEvent, attempts: number, error: string): void;
}

/** Events one lane sends before it gives its slot back for a pass. */
export const LANE_BURST = 100;

/** The request for one attempt: JSON envelope, signed now. */
export function deliveryRequest(secret: string, e: StoredEvent, attempt: number, nowMs: number): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(envelopeOf(e));
  const ts = Math.floor(nowMs / 1000);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'rescue-circle-webhooks/1',
      [HEADER_EVENT_ID]: e.id,
      [HEADER_EVENT_TYPE]: e.type,
      [HEADER_TIMESTAMP]: String(ts),
      [HEADER_SIGNATURE]: signatureOf(secret, ts, body),
      [HEADER_ATTEMPT]: String(attempt),
    },
  };
}

/**
 * Delivers the outbox to every subscriber, each in its own lane: one event at a time per lane, in
 * sequence order (the next waits until the previous is delivered or dead-lettered), lanes side by side
 * so a dead subscriber only ever holds its own lane (and at most one of the `maxConcurrent` slots, for
 * at most `timeoutMs`). State lives in the store, so after a restart each lane resumes at its cursor
 * with its attempt count and retry time. At-least-once: a crash between a 2xx and the cursor's commit
 * sends that event again, with the same id.
 */
export class DeliveryWorker {
  private readonly busy = new Set<string>();
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The poll timer runs (start() was called). */
  private started = false;
  /** stop() was called: no new attempts. */
  private stopped = false;
  private ticking: Promise<void> | null = null;
  private again = false;
  private readonly running = new Set<Promise<void>>();
  /** Where the next pass starts looking, so lanes beyond the slots get their turn (round robin). */
  private nextLane = 0;

  constructor(
    private readonly store: DeliveryStore,
    private readonly post: Post,
    private readonly opts: DeliveryOptions,
    private readonly log: DeliveryLog,
    private readonly events: DeliveryEvents = {},
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops taking work and waits for the attempts in flight to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    await Promise.allSettled([...this.running]);
  }

  /** Something was appended or changed: look now instead of at the next poll. */
  wake(): void {
    if (!this.started) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Runs one scheduling pass and waits until the lanes it started are idle (tests drive it so). */
  async pass(): Promise<void> {
    await Promise.all(await this.startLanes());
  }

  private schedule(ms: number): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ticking = this.tick().finally(() => {
        this.ticking = null;
        if (this.again) {
          this.again = false;
          this.schedule(0);
        } else this.schedule(this.opts.pollMs);
      });
    }, ms);
    this.timer.unref?.();
  }

  /** Starts idle lanes and returns without waiting for them (a slow lane must not hold the pass). */
  private async tick(): Promise<void> {
    try {
      for (const p of await this.startLanes()) void p.then(() => this.wakeSoon());
    } catch (e) {
      this.log.error({ err: (e as Error).message }, 'webhook scheduling pass failed');
    }
  }

  /** Starts every lane that is due, not paused, not running, while slots are free. */
  private async startLanes(): Promise<Promise<void>[]> {
    const lanes = await this.store.lanes();
    const now = this.now();
    const started: Promise<void>[] = [];
    const n = lanes.length;
    const first = n === 0 ? 0 : this.nextLane % n;
    for (let k = 0; k < n; k++) {
      if (this.stopped || this.inFlight >= this.opts.maxConcurrent) break;
      const i = (first + k) % n;
      const lane = lanes[i]!;
      if (lane.paused || lane.pending === false || this.busy.has(lane.id)) continue;
      if (lane.nextAttemptAt !== null && lane.nextAttemptAt > now) continue;
      this.nextLane = i + 1;
      // taken synchronously, so the next lane sees the slot gone
      this.busy.add(lane.id);
      this.inFlight++;
      const p = this.runLane(lane);
      this.running.add(p);
      started.push(p.finally(() => this.running.delete(p)));
    }
    return started;
  }

  /** A lane that went idle may have freed a slot another lane waits for. */
  private wakeSoon(): void {
    this.wake();
  }

  /** Delivers a lane's events in order until it is empty, fails, or the worker stops. */
  private async runLane(start: Lane): Promise<void> {
    let lane = start;
    let sent = 0;
    try {
      // a busy lane hands its slot back after a burst, so lanes waiting for a slot get their turn
      while (!this.stopped && sent++ < LANE_BURST) {
        const e = await this.store.nextEvent(lane.cursor, lane.events);
        if (!e) return;
        const attempt = lane.attempts + 1;
        const outcome = await this.attempt(lane, e, attempt);
        if (outcome.ok) {
          const current = await this.store.delivered(lane, e, attempt);
          this.events.onDelivered?.(lane.id, e, attempt, outcome.ms);
          if (!current) return;
          lane = { ...lane, cursor: e.seq, attempts: 0, nextAttemptAt: null };
          continue;
        }
        const next = afterFailure(attempt, e.createdAt, this.now(), this.opts, this.random);
        if (next.kind === 'dead') {
          const current = await this.store.deadLettered(lane, e, attempt, outcome.error);
          this.events.onDead?.(lane.id, e, attempt, outcome.error);
          if (!current) return;
          this.log.warn({ subscriber: lane.id, event: e.id, seq: e.seq, attempts: attempt, why: next.why, err: outcome.error }, 'webhook event dead-lettered');
          lane = { ...lane, cursor: e.seq, attempts: 0, nextAttemptAt: null };
          continue;
        }
        await this.store.failed(lane, e, attempt, next.at, outcome.error);
        this.events.onFailed?.(lane.id, e, attempt, outcome.error);
        return;
      }
    } catch (err) {
      this.log.error({ subscriber: lane.id, err: (err as Error).message }, 'webhook lane failed; retried at the next pass');
    } finally {
      this.busy.delete(start.id);
      this.inFlight--;
    }
  }

  private async attempt(lane: Lane, e: StoredEvent, attempt: number): Promise<{ ok: true; ms: number } | { ok: false; error: string }> {
    const t0 = this.now();
    const req = deliveryRequest(lane.secret, e, attempt, t0);
    try {
      const res = await this.post(lane.url, req.headers, req.body, this.opts.timeoutMs);
      if (res.status >= 200 && res.status < 300) return { ok: true, ms: this.now() - t0 };
      return { ok: false, error: `HTTP ${res.status}` };
    } catch (err) {
      return { ok: false, error: describe(err) };
    }
  }
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timeout';
  const cause = e.cause?.code ?? e.cause?.message;
  return (cause ? `${e.message ?? 'error'}: ${cause}` : (e.message ?? String(err))).slice(0, 500);
}
