import type { Logger } from 'pino';
import type { PipelineOutput, TelemetryPipeline } from '@rescue/telemetry';
import type { FixRow, IngestBatch, PresenceRow, StatusRow } from '@rescue/persistence';
import type { BatchSpool } from './batch-spool';
import { Batcher, OpenBatch } from './batcher';
import type { HeldAck } from './deferred-pubacks';
import { BatchSink, DurableWriter } from './durable-writer';
import { IngestMetrics } from './ingest-metrics';
import { MqttSource } from './mqtt-source';

/** Told after a batch is in the database: live state follows storage, never runs ahead of it. */
export interface CommittedListener {
  (committed: { fixes: FixRow[]; statuses: StatusRow[]; presences: PresenceRow[] }): void;
}

/**
 * Told which relayed JT/T 808 messages (by the gateway's receipt) are durable, in the database or the
 * spool: in the embedded default the gateway sends its 0x8001 only then.
 */
export interface DurableReceiptsListener {
  (receipts: string[]): void;
}

/** The durable hook of ingest for the JT/T 808 gateway (and any relaying source after it). */
export interface DurableIngest {
  onDurable(listener: DurableReceiptsListener): void;
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

/**
 * Ingest, put together: the MQTT source (session, held PUBACKs, backpressure) hands each message to the
 * pure TelemetryPipeline; its rows go to the batcher (group commit by size and time), whose batches the
 * durable writer puts in the database (or the spool while the database is away, or retries); only then
 * are the batch's QoS1 messages acknowledged and the live state told. See README "How ingest keeps its
 * promises".
 */
export class IngestWorker implements DurableIngest {
  private readonly source: MqttSource;
  private readonly batcher: Batcher;
  private readonly writer: DurableWriter;
  private readonly durableListeners: DurableReceiptsListener[] = [];

  constructor(
    opts: IngestWorkerOptions,
    private readonly pipeline: TelemetryPipeline,
    sink: BatchSink,
    private readonly metrics: IngestMetrics,
    private readonly log: Logger,
    private readonly onCommitted: CommittedListener = () => undefined,
    spool: BatchSpool<IngestBatch> | null = null,
  ) {
    this.source = new MqttSource(
      { mqttUrl: opts.mqttUrl, clientId: opts.clientId, shareGroup: opts.shareGroup, maxPending: opts.maxPending, mqttUsername: opts.mqttUsername, mqttPassword: opts.mqttPassword },
      metrics,
      log,
    );
    this.writer = new DurableWriter(sink, spool, metrics, log, (rows) => this.tell(rows));
    this.batcher = new Batcher({ maxRows: opts.batchMaxRows, maxWaitMs: opts.batchMaxWaitMs, groupFactor: GROUP_COMMIT_FACTOR }, (batch) => this.commit(batch));
  }

  get connected(): boolean {
    return this.source.connected;
  }

  /**
   * What health reports. `durableWithoutDatabase`: a batch the database cannot take still goes
   * somewhere durable (the spool is on and not full), so fixes keep being accepted and acknowledged.
   */
  get state(): { connected: boolean; spooledBatches: number; spooledBytes: number; durableWithoutDatabase: boolean } {
    return { connected: this.connected, ...this.writer.state };
  }

  async start(): Promise<void> {
    this.writer.resume();
    await this.source.start((topic, payload, receivedAt, ack) => this.onMessage(topic, payload, receivedAt, ack));
  }

  /** Adds a listener for the receipts of relayed JT/T 808 messages once their batch is durable. */
  onDurable(listener: DurableReceiptsListener): void {
    this.durableListeners.push(listener);
  }

  /** Stops reading, writes what is open, acknowledges it, then disconnects. */
  async stop(graceMs = 10_000): Promise<void> {
    this.source.stopReading();
    this.writer.giveUpAfter(graceMs);
    await this.batcher.flush();
    await this.writer.replayDone(); // gives up at the deadline; what is left stays in the spool for the next start
    await this.source.end();
  }

  /** Simulates a crash: the connection drops at once, nothing more is written or acknowledged. */
  kill(): void {
    this.batcher.cancelTimer();
    this.writer.giveUpAfter(0);
    this.source.kill();
  }

  private onMessage(topic: string, payload: Buffer, receivedAt: number, ack: HeldAck | null): void {
    const out = this.pipeline.process(topic, payload, receivedAt);
    const batch = this.batcher.current;
    this.add(batch, topic, out, receivedAt);
    batch.messages++;
    if (ack !== null) batch.acks.push(ack);
    this.batcher.added();
  }

  private add(batch: OpenBatch, topic: string, out: PipelineOutput, receivedAt: number): void {
    for (const f of out.fixes) {
      // Spelled out rather than spread: one object shape for every row, built without a generic copy
      // (the spread was the worker's largest own cost in a CPU profile of bench:ingest).
      batch.rows.fixes.push({
        unitId: f.unitId, ts: f.ts, lat: f.lat, lon: f.lon, speedKmh: f.speedKmh, headingDeg: f.headingDeg,
        accuracyM: f.accuracyM, altitudeM: f.altitudeM, stepM: f.stepM, receivedAt,
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
    if (out.alarmReports) {
      const rows = (batch.rows.alarmReports ??= []);
      for (const a of out.alarmReports) rows.push({ unitId: a.unitId, ts: a.ts, flags: a.flags, lat: a.lat, lon: a.lon, receivedAt });
    }
    if (out.receipt !== undefined) batch.receipts.push(out.receipt);
    if (out.badExtraItems) this.metrics.jt808BadExtraItems.inc(out.badExtraItems);
  }

  /** One batch through the durable writer; then its messages are acknowledged and the live state told. */
  private async commit(batch: OpenBatch): Promise<void> {
    const where = await this.writer.write(batch.rows);
    if (where === null) return; // stopping gave up: unacknowledged, so the broker redelivers
    this.source.settle(batch.acks, batch.messages);
    if (batch.receipts.length > 0) for (const l of this.durableListeners) l(batch.receipts);
    if (where === 'database') this.tell(batch.rows);
  }

  private tell(rows: IngestBatch): void {
    try {
      this.onCommitted(rows);
    } catch (err) {
      // A listener's bug must not stop the commit chain (nothing would be acknowledged again).
      this.log.error({ err: (err as Error).message }, 'commit listener failed');
    }
  }
}
