import { connect, IClientOptions, IPublishPacket, ISubscriptionMap, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { PipelineOutput, TelemetryPipeline } from '@rescue/telemetry';
import type { FixRow, IngestBatch, PresenceRow, StatusRow, WriteResult } from '@rescue/persistence';
import type { BatchSpool } from './batch-spool';
import { DeferredPubacks, HeldAck } from './deferred-pubacks';
import { IngestMetrics } from './ingest-metrics';
import { TrackDistance } from './track-distance';

/** Where committed batches go: the IngestRepository, or anything with the same contract. */
export interface BatchSink {
  write(batch: IngestBatch): Promise<WriteResult>;
}

/** Told after a batch is in the database: live state follows storage, never runs ahead of it. */
export interface CommittedListener {
  (committed: { fixes: FixRow[]; statuses: StatusRow[]; presences: PresenceRow[] }): void;
}

export interface IngestWorkerOptions {
  mqttUrl: string;
  clientId: string;
  /** $share group on a real broker; null subscribes plainly (aedes, or a single worker). */
  shareGroup: string | null;
  batchMaxRows: number;
  batchMaxWaitMs: number;
  /** Received-but-uncommitted messages above which the worker stops reading (backpressure). */
  maxPending: number;
  mqttUsername?: string;
  mqttPassword?: string;
}

/** How many batches' worth of rows one transaction may take when a backlog waits. */
const GROUP_COMMIT_FACTOR = 8;

/** Topic filters ingest subscribes to (see docs/asyncapi.yaml). */
export const INGEST_TOPICS = ['ems/v1/units/+/position', 'ems/v1/units/+/status', 'ems/v1/units/+/presence', 'owntracks/+/+', 'ems/v1/units/+/jt808'];

/**
 * Told which relayed JT/T 808 messages (by the gateway's receipt) are durable, in the database or the
 * spool: in the embedded default the gateway sends its 0x8001 only then.
 */
export interface DurableReceiptsListener {
  (receipts: string[]): void;
}

class OpenBatch {
  readonly rows: IngestBatch = { fixes: [], deadLetters: [], statuses: [], presences: [] };
  readonly acks: HeldAck[] = [];
  readonly receipts: string[] = [];
  messages = 0;

  /** Appends another closed batch, keeping message order (group commit of a backlog). */
  absorb(other: OpenBatch): void {
    for (const k of ['fixes', 'deadLetters', 'statuses', 'presences'] as const) {
      for (const r of other.rows[k]) (this.rows[k] as unknown[]).push(r);
    }
    for (const a of other.acks) this.acks.push(a);
    for (const r of other.receipts) this.receipts.push(r);
    this.messages += other.messages;
  }
  openedAt = 0;
  get size(): number {
    const r = this.rows;
    return r.fixes.length + r.deadLetters.length + r.statuses.length + r.presences.length;
  }
}

/**
 * The transport side of ingest: reads MQTT in order (one connection, one packet at a time, so one
 * unit's messages keep their order), runs each through the pure TelemetryPipeline, batches the result
 * by size and time, writes one batch at a time in a transaction, and only then acknowledges its QoS1
 * messages and tells the live state. When the database cannot take a batch, the batch goes to the
 * on-disk spool (durable, so it is acknowledged) and the spool is replayed in order when the database
 * returns; while the spool is not empty, new batches queue behind it. Without a spool, or when the spool
 * is full, a failed write is retried with backoff and not acknowledged, and when too much is
 * uncommitted reading stops (backpressure) and the broker keeps the rest.
 */
export class IngestWorker {
  private client: MqttClient | null = null;
  private acks: DeferredPubacks | null = null;
  private open = new OpenBatch();
  private flushTimer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** Closed batches waiting for the writer; merged into one transaction when several wait. */
  private readonly closed: OpenBatch[] = [];
  private pending = 0;
  private readonly waitingForRoom: Array<() => void> = [];
  private readonly distance = new TrackDistance();
  private stopped = false;
  /** After stop(), how long failing writes are still retried before they are left to redelivery. */
  private stopDeadline = Infinity;
  private draining: Promise<void> | null = null;
  /** The spool refused the last batch (full): batches wait unacknowledged until the database returns. */
  private spoolRefused = false;
  private connections = 0;
  private durableListeners: DurableReceiptsListener[] = [];

  constructor(
    private readonly opts: IngestWorkerOptions,
    private readonly pipeline: TelemetryPipeline,
    private readonly sink: BatchSink,
    private readonly metrics: IngestMetrics,
    private readonly log: Logger,
    private readonly onCommitted: CommittedListener = () => undefined,
    private readonly spool: BatchSpool<IngestBatch> | null = null,
  ) {}

  /** Adds a listener for the receipts of relayed JT/T 808 messages once their batch is durable. */
  onDurable(listener: DurableReceiptsListener): void {
    this.durableListeners.push(listener);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /**
   * What health reports. `durableWithoutDatabase`: a batch the database cannot take still goes
   * somewhere durable (the spool is on and not full), so fixes keep being accepted and acknowledged.
   */
  get state(): { connected: boolean; spooledBatches: number; spooledBytes: number; durableWithoutDatabase: boolean } {
    return {
      connected: this.connected,
      spooledBatches: this.spool?.batches ?? 0,
      spooledBytes: this.spool?.sizeBytes ?? 0,
      durableWithoutDatabase: this.spool !== null && !this.spoolRefused,
    };
  }

  async start(): Promise<void> {
    if (this.spool && !this.spool.empty) {
      this.log.warn({ batches: this.spool.batches, bytes: this.spool.sizeBytes }, 'spooled batches from before the restart: replaying');
      this.startDrain();
    }
    const options: IClientOptions = {
      clientId: this.opts.clientId,
      clean: false, // persistent session: the broker keeps what arrives while we are down
      protocolVersion: 4,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      username: this.opts.mqttUsername,
      password: this.opts.mqttPassword,
      resubscribe: true,
    };
    const client = connect(this.opts.mqttUrl, options);
    this.client = client;
    this.acks = new DeferredPubacks(client);
    client.handleMessage = (packet, done) => this.onPacket(packet, done);
    client.on('error', (err) => this.log.warn({ err: err.message }, 'mqtt error'));
    client.on('reconnect', () => this.log.info('mqtt reconnecting'));
    client.on('close', () => this.metrics.brokerConnected.set(0));
    client.on('connect', (connack) => this.onReconnected(client, connack.sessionPresent));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', (connack) => {
        // A resumed session keeps its subscriptions; subscribing again is harmless and covers a new one.
        client.subscribe(this.filters(), { qos: 1 }, (err) => {
          if (err) return reject(err);
          this.log.info({ filters: this.filters(), sessionPresent: connack.sessionPresent }, 'ingest subscribed');
          resolve();
        });
      });
      client.once('error', reject);
    });
  }

  private filters(): string[] {
    return INGEST_TOPICS.map((t) => (this.opts.shareGroup ? `$share/${this.opts.shareGroup}/${t}` : t));
  }

  /**
   * Called on every connection; from the second on it is a reconnect (a broker restart, a dropped
   * link). A resumed session
   * (sessionPresent) kept our subscriptions and queued what arrived meanwhile. Without it the broker
   * lost the session and everything it held for us; mqtt.js subscribes again (resubscribe), and that
   * loss must be visible. Mosquitto 2.0 does not save shared subscriptions in its persistence file, so
   * with a share group the subscription is renewed even when the session was resumed.
   */
  private onReconnected(client: MqttClient, sessionPresent: boolean): void {
    this.metrics.brokerConnected.set(1);
    if (this.connections++ === 0) return;
    this.metrics.brokerReconnects.inc();
    if (!sessionPresent) {
      this.metrics.brokerSessionsLost.inc();
      this.log.error({ clientId: this.opts.clientId }, 'broker reconnected without our session: what it held for ingest is lost (is its persistence writable?)');
      return;
    }
    this.log.info({ sessionPresent }, 'mqtt reconnected, session resumed');
    if (this.opts.shareGroup) {
      // The map form with `resubscribe`: mqtt.js skips filters it believes subscribed otherwise.
      const renew = Object.fromEntries(this.filters().map((f) => [f, { qos: 1 as const }])) as ISubscriptionMap;
      renew.resubscribe = true;
      client.subscribe(renew, (err) => {
        if (err) this.log.error({ err: err.message }, 'renewing the shared subscription failed');
      });
    }
  }

  /** Stops reading, writes what is open, acknowledges it, then disconnects. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    this.stopDeadline = Date.now() + graceMs;
    await this.flush();
    await this.writing;
    await this.draining; // gives up at the deadline; what is left stays in the spool for the next start
    await new Promise<void>((r) => (this.client ? this.client.end(false, {}, () => r()) : r()));
  }

  /** Simulates a crash: the connection drops at once, nothing more is written or acknowledged. */
  kill(): void {
    this.stopped = true;
    this.stopDeadline = 0;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.client?.end(true);
  }

  private onPacket(packet: IPublishPacket, done: (err?: Error) => void): void {
    if (this.stopped) return; // never call back: no ack leaves for what we will not store
    const receivedAt = Date.now();
    this.metrics.received.inc();
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const out = this.pipeline.process(packet.topic, payload, receivedAt);
    const batch = this.open;
    if (batch.messages === 0) batch.openedAt = receivedAt;
    this.add(batch, packet.topic, out, receivedAt);
    batch.messages++;
    if (packet.qos > 0 && packet.messageId !== undefined) batch.acks.push(this.acks!.hold(packet.messageId));
    this.pending++;
    this.metrics.pending.set(this.pending);
    if (batch.size >= this.opts.batchMaxRows) void this.flush();
    else if (!this.flushTimer) this.flushTimer = setTimeout(() => void this.flush(), this.opts.batchMaxWaitMs);
    if (this.pending < this.opts.maxPending) done();
    else this.waitingForRoom.push(() => done());
  }

  private add(batch: OpenBatch, topic: string, out: PipelineOutput, receivedAt: number): void {
    for (const f of out.fixes) {
      // Spelled out rather than spread: one object shape for every row, built without a generic copy
      // (the spread was the worker's largest own cost in a CPU profile of bench:ingest).
      batch.rows.fixes.push({
        unitId: f.unitId, ts: f.ts, lat: f.lat, lon: f.lon, speedKmh: f.speedKmh, headingDeg: f.headingDeg,
        accuracyM: f.accuracyM, altitudeM: f.altitudeM, stepM: this.distance.step(f.unitId, f.ts, f.lat, f.lon), receivedAt,
      });
    }
    for (const r of out.rejections) {
      this.metrics.rejected.inc({ reason: r.reason });
      batch.rows.deadLetters.push({ receivedAt, topic, unitId: r.unitId, reason: r.reason, detail: r.detail, raw: r.raw });
    }
    if (out.status) {
      const st = out.status;
      batch.rows.statuses.push({ unitId: st.unitId, ts: st.ts, status: st.status, taskId: st.taskId, source: st.source, receivedAt });
    }
    if (out.presence) batch.rows.presences.push({ ...out.presence, ts: receivedAt });
    if (out.receipt !== undefined) batch.receipts.push(out.receipt);
    if (out.badExtraItems) this.metrics.jt808BadExtraItems.inc(out.badExtraItems);
  }

  /**
   * Closes the open batch and queues it for the writer. Batches that pile up while a commit is in
   * flight are written together in the next transaction (group commit, up to GROUP_COMMIT_FACTOR ×
   * batchMaxRows): a commit costs a WAL flush whatever its size, so a backlog drains in fewer of them.
   */
  private flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    const batch = this.open;
    if (batch.messages === 0) return this.writing;
    this.open = new OpenBatch();
    this.closed.push(batch);
    this.writing = this.writing.then(() => this.writeClosed());
    return this.writing;
  }

  private async writeClosed(): Promise<void> {
    const first = this.closed.shift();
    if (!first) return; // an earlier turn already took this batch into its group
    const limit = this.opts.batchMaxRows * GROUP_COMMIT_FACTOR;
    while (this.closed.length > 0 && first.size + this.closed[0]!.size <= limit) first.absorb(this.closed.shift()!);
    await this.commit(first);
  }

  private async commit(batch: OpenBatch): Promise<void> {
    if (this.spool) {
      // Behind a non-empty spool a batch waits its turn, so the database sees batches in order.
      if (this.spool.empty && (await this.tryWrite(batch.rows))) return this.settle(batch, true);
      this.spoolRefused = !this.spool.append(batch.rows);
      if (!this.spoolRefused) {
        this.metrics.spooled.inc();
        this.updateSpoolGauges();
        this.settle(batch, false);
        this.startDrain();
        return;
      }
      this.log.error({ bytes: this.spool.sizeBytes }, 'spool full: holding the batch unacknowledged until the database returns');
    }
    if (await this.writeWithRetry(batch.rows)) this.settle(batch, true);
  }

  /** Acknowledges a batch now durable (in the database or the spool) and lets reading resume. */
  private settle(batch: OpenBatch, inDatabase: boolean): void {
    const sent = this.acks?.release(batch.acks) ?? 0;
    if (sent < batch.acks.length) this.metrics.acksDropped.inc(batch.acks.length - sent);
    this.pending -= batch.messages;
    this.metrics.pending.set(this.pending);
    while (this.pending < this.opts.maxPending && this.waitingForRoom.length > 0) this.waitingForRoom.shift()!();
    if (batch.receipts.length > 0) for (const l of this.durableListeners) l(batch.receipts);
    if (inDatabase) this.onCommitted(batch.rows);
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

  /** Retries with backoff until written; false when stopping made it give up (left to redelivery or the spool). */
  private async writeWithRetry(rows: IngestBatch): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      if (await this.tryWrite(rows)) return true;
      const waitMs = Math.min(5000, 100 * 2 ** attempt);
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
        this.onCommitted(rows);
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
