import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus series of the ingest pipeline (exposed at GET /metrics). */
export class IngestMetrics {
  readonly received: Counter;
  readonly stored: Counter;
  readonly duplicates: Counter;
  readonly rejected: Counter<'reason'>;
  readonly commitSeconds: Histogram;
  readonly writeFailures: Counter;
  readonly pending: Gauge;
  readonly spooled: Counter;
  readonly spoolBatches: Gauge;
  readonly spoolBytes: Gauge;
  readonly databaseWritable: Gauge;
  readonly brokerConnected: Gauge;
  readonly brokerReconnects: Counter;
  readonly brokerSessionsLost: Counter;
  readonly acksDropped: Counter;
  readonly jt808BadExtraItems: Counter;

  constructor(readonly registry: Registry) {
    this.jt808BadExtraItems = new Counter({ name: 'rc_ingest_jt808_bad_extra_items_total', help: 'JT/T 808 reports kept whose additional items were malformed (cut or too long)', registers: [registry] });
    this.received = new Counter({ name: 'rc_ingest_messages_received_total', help: 'MQTT messages received by ingest', registers: [registry] });
    this.stored = new Counter({ name: 'rc_ingest_fixes_stored_total', help: 'Fixes newly stored', registers: [registry] });
    this.duplicates = new Counter({ name: 'rc_ingest_fixes_duplicate_total', help: 'Fixes already stored (redelivery or re-upload)', registers: [registry] });
    this.rejected = new Counter({ name: 'rc_ingest_rejected_total', help: 'Rejected messages or fixes, by reason', labelNames: ['reason'], registers: [registry] });
    this.commitSeconds = new Histogram({
      name: 'rc_ingest_batch_commit_seconds', help: 'Latency of one batch commit', registers: [registry],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
    this.writeFailures = new Counter({ name: 'rc_ingest_write_failures_total', help: 'Failed batch writes (retried)', registers: [registry] });
    this.pending = new Gauge({ name: 'rc_ingest_pending_messages', help: 'Messages received but not yet committed', registers: [registry] });
    this.spooled = new Counter({ name: 'rc_ingest_spooled_batches_total', help: 'Batches written to the on-disk spool while the database was unreachable', registers: [registry] });
    this.spoolBatches = new Gauge({ name: 'rc_ingest_spool_batches', help: 'Batches waiting in the spool for the database', registers: [registry] });
    this.spoolBytes = new Gauge({ name: 'rc_ingest_spool_bytes', help: 'Bytes waiting in the spool', registers: [registry] });
    this.databaseWritable = new Gauge({ name: 'rc_ingest_database_writable', help: '1 if the last batch write succeeded, 0 if it failed (the database is unreachable)', registers: [registry] });
    this.brokerConnected = new Gauge({ name: 'rc_ingest_broker_connected', help: '1 while the ingest MQTT connection is up', registers: [registry] });
    this.brokerReconnects = new Counter({ name: 'rc_ingest_broker_reconnects_total', help: 'Ingest MQTT connections after the first (broker restarts, network drops)', registers: [registry] });
    this.brokerSessionsLost = new Counter({
      name: 'rc_ingest_broker_sessions_lost_total', registers: [registry],
      help: 'Reconnects on which the broker no longer had the ingest session: what it held for ingest was lost (check the broker persistence)',
    });
    this.acksDropped = new Counter({ name: 'rc_ingest_acks_dropped_total', help: 'PUBACKs not sent because their connection had closed (the broker redelivers those messages)', registers: [registry] });
  }
}
