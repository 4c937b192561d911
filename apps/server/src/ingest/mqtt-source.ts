import { connect, IClientOptions, IPublishPacket, ISubscriptionMap, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { TOPIC_FILTERS } from '@rescue/contracts';
import { DeferredPubacks, HeldAck } from './deferred-pubacks';
import type { IngestMetrics } from './ingest-metrics';

/** Topic filters ingest subscribes to: every filter of the contract (libs/contracts, docs/asyncapi.yaml). */
export const INGEST_TOPICS: readonly string[] = Object.values(TOPIC_FILTERS);

export interface MqttSourceOptions {
  mqttUrl: string;
  clientId: string;
  /** $share group on a real broker; null subscribes plainly (aedes, or a single worker). */
  shareGroup: string | null;
  /** Received-but-unsettled messages above which the source stops reading (backpressure). */
  maxPending: number;
  mqttUsername?: string;
  mqttPassword?: string;
}

/** One received PUBLISH: `ack` is its held PUBACK (null for QoS 0), to settle once it is durable. */
export type OnMessage = (topic: string, payload: Buffer, receivedAt: number, ack: HeldAck | null) => void;

/**
 * The MQTT side of ingest: one persistent session (clean: false, so the broker keeps what arrives while
 * we are down), read in order (one connection, one packet at a time, so one unit's messages keep their
 * order), QoS1 PUBACKs held until settle() says the messages are durable (DeferredPubacks), and reading
 * stopped while maxPending messages are unsettled (the broker keeps the rest).
 */
export class MqttSource {
  private client: MqttClient | null = null;
  private acks: DeferredPubacks | null = null;
  private pending = 0;
  private readonly waitingForRoom: Array<() => void> = [];
  private stopped = false;
  private connections = 0;

  constructor(
    private readonly opts: MqttSourceOptions,
    private readonly metrics: IngestMetrics,
    private readonly log: Logger,
  ) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Connects, subscribes, and hands every PUBLISH to onMessage from then on. */
  async start(onMessage: OnMessage): Promise<void> {
    const options: IClientOptions = {
      clientId: this.opts.clientId,
      clean: false,
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
    client.handleMessage = (packet, done) => this.onPacket(packet, done, onMessage);
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

  /**
   * Messages now durable: their PUBACKs leave (those held on an earlier connection are dropped, and
   * counted: the broker redelivers them), and reading resumes when it had stopped for room.
   */
  settle(acks: readonly HeldAck[], messages: number): void {
    const sent = this.acks?.release(acks) ?? 0;
    if (sent < acks.length) this.metrics.acksDropped.inc(acks.length - sent);
    this.pending -= messages;
    this.metrics.pending.set(this.pending);
    while (this.pending < this.opts.maxPending && this.waitingForRoom.length > 0) this.waitingForRoom.shift()!();
  }

  /** Stops handing on messages (and never acknowledges those that arrive from now on). */
  stopReading(): void {
    this.stopped = true;
  }

  /** Disconnects cleanly (after the last settle). */
  async end(): Promise<void> {
    this.stopped = true;
    await new Promise<void>((r) => (this.client ? this.client.end(false, {}, () => r()) : r()));
  }

  /** A crash: the connection drops at once, nothing more is acknowledged. */
  kill(): void {
    this.stopped = true;
    this.client?.end(true);
  }

  private filters(): string[] {
    return INGEST_TOPICS.map((t) => (this.opts.shareGroup ? `$share/${this.opts.shareGroup}/${t}` : t));
  }

  private onPacket(packet: IPublishPacket, done: (err?: Error) => void, onMessage: OnMessage): void {
    if (this.stopped) return; // never call back: no ack leaves for what we will not store
    const receivedAt = Date.now();
    this.metrics.received.inc();
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const ack = packet.qos > 0 && packet.messageId !== undefined ? this.acks!.hold(packet.messageId) : null;
    this.pending++;
    this.metrics.pending.set(this.pending);
    onMessage(packet.topic, payload, receivedAt, ack);
    if (this.pending < this.opts.maxPending) done();
    else this.waitingForRoom.push(() => done());
  }

  /**
   * Called on every connection; from the second on it is a reconnect (a broker restart, a dropped
   * link). A resumed session (sessionPresent) kept our subscriptions and queued what arrived meanwhile.
   * Without it the broker lost the session and everything it held for us; mqtt.js subscribes again
   * (resubscribe), and that loss must be visible. Mosquitto 2.0 does not save shared subscriptions in
   * its persistence file, so with a share group the subscription is renewed even when the session was
   * resumed.
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
}
