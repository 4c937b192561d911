import { AddressInfo, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CommandPayload } from '@rescue/contracts';
import { normaliseJt808Phone } from '@rescue/persistence';
import {
  decodeJt808Frame, DEFAULT_SUBPACKAGE_LIMITS, encodeJt808Frame, type Jt808Header, Jt808FrameReader, Jt808Session, JT808_MSG,
  platformGeneralResponseBody, registerResponseBody, type SessionAction, type SubpackageLimits, TEXT_FLAG, textMessageBody,
} from '@rescue/telemetry';
import { RefusalLog } from '../broker/refusal-log';
import type { Jt808Directory } from './terminal-directory';
import type { Jt808Uplink } from './uplink';

export interface Jt808GatewayOptions {
  port: number;
  host: string;
  maxConnections: number;
  maxFrameBytes: number;
  maxBytesPerS: number;
  maxFramesPerS: number;
  /** The terminals' heartbeat interval; 3 of them without a byte close the connection. */
  heartbeatS: number;
  /** Relayed messages awaiting durability per connection before reading pauses. */
  maxInFlight: number;
  subpackages?: SubpackageLimits;
}

/** 0x8001 results. */
const OK = 0;
const FAILURE = 1;
/** Frames queued behind a registration or authentication lookup before reading pauses. */
const MAX_QUEUED_FRAMES = 32;
/** Frame labels for the metrics: known message ids by name, anything else `other` (bounded label set). */
const MSG_NAMES = new Map<number, string>(Object.entries(JT808_MSG).map(([k, v]) => [v, k]));

/**
 * Rate of one connection: a token bucket that may run into debt; the debt is how long reading pauses,
 * so a terminal over its rate is slowed down (TCP pushes back), never cut and nothing is lost.
 */
class RateGate {
  private tokens: number;
  private last: number;
  constructor(
    private readonly perS: number,
    now: number,
  ) {
    this.tokens = perS;
    this.last = now;
  }
  /** ms to wait after taking n tokens (0 = none). */
  take(n: number, now: number): number {
    this.tokens = Math.min(this.perS, this.tokens + ((now - this.last) * this.perS) / 1000);
    this.last = now;
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.perS);
  }
}

class Connection {
  readonly session: Jt808Session;
  readonly reader: Jt808FrameReader;
  readonly bytes: RateGate;
  readonly frames: RateGate;
  readonly queue: Uint8Array[] = [];
  busy = false;
  inFlight = 0;
  pausedUntil = 0;
  closed = false;
  constructor(
    readonly socket: Socket,
    readonly id: number,
    opts: Jt808GatewayOptions,
    onFrame: (f: Uint8Array) => void,
    onDrop: (reason: string, bytes: number) => void,
  ) {
    const now = Date.now();
    this.session = new Jt808Session(opts.subpackages ?? DEFAULT_SUBPACKAGE_LIMITS);
    this.reader = new Jt808FrameReader(opts.maxFrameBytes, { frame: onFrame, drop: onDrop });
    this.bytes = new RateGate(opts.maxBytesPerS, now);
    this.frames = new RateGate(opts.maxFramesPerS, now);
  }
}

/**
 * The JT/T 808 TCP gateway: frames in (reader → decoder → session), identity from the directory, fixes
 * relayed into the broker through the uplink, 0x8001 once they are durable, 0x8300 orders down, their
 * 0x0001 up as the terminal's order_received. Bounded everywhere, refusals counted by reason in
 * rc_jt808_refused_total: connections (max_connections), frame size (frame_too_large), per-connection
 * bytes/s and frames/s (reading pauses: rc_jt808_throttled_total), frames queued behind an identity
 * lookup and relays awaiting durability (reading pauses), sub-packages (count, bytes, time), idle
 * connections (idle_timeout). One connection per terminal phone: a new one replaces the old.
 */
export class Jt808Gateway {
  private server: Server | null = null;
  private readonly conns = new Set<Connection>();
  private readonly byPhone = new Map<string, Connection>();
  private readonly byUnit = new Map<string, Connection>();
  private nextId = 1;
  private sweeper: NodeJS.Timeout | null = null;
  private readonly refusalLog: RefusalLog;
  readonly metrics: {
    connections: Gauge;
    refused: Counter<'reason'>;
    throttled: Counter<'limit'>;
    frames: Counter<'msg'>;
    relaySeconds: Histogram;
    orders: Counter<'event'>;
  };

  constructor(
    private readonly opts: Jt808GatewayOptions,
    private readonly directory: Jt808Directory,
    private readonly uplink: Jt808Uplink,
    registry: Registry,
    private readonly log: Logger,
  ) {
    this.refusalLog = new RefusalLog(log);
    this.metrics = {
      connections: new Gauge({ name: 'rc_jt808_connections', help: 'Open JT/T 808 connections', registers: [registry] }),
      refused: new Counter({ name: 'rc_jt808_refused_total', help: 'JT/T 808 connections, frames and messages refused, by reason', labelNames: ['reason'], registers: [registry] }),
      throttled: new Counter({ name: 'rc_jt808_throttled_total', help: 'Times reading a JT/T 808 connection paused, by limit', labelNames: ['limit'], registers: [registry] }),
      frames: new Counter({ name: 'rc_jt808_frames_total', help: 'JT/T 808 frames decoded, by message', labelNames: ['msg'], registers: [registry] }),
      relaySeconds: new Histogram({
        name: 'rc_jt808_durable_seconds', help: 'From a location frame received to its fixes durable (0x8001 sent)', registers: [registry],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      }),
      orders: new Counter({ name: 'rc_jt808_orders_total', help: 'Dispatch orders (0x8300): sent, acknowledged, failed', labelNames: ['event'], registers: [registry] }),
    };
    directory.onRevoked((phone) => {
      const c = this.byPhone.get(phone);
      if (c) this.drop(c, 'revoked');
    });
    uplink.onCommand((unitId, cmd) => this.sendOrder(unitId, cmd));
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<number> {
    const server = createServer((s) => this.accept(s));
    server.maxConnections = this.opts.maxConnections + 64; // above ours, so ours refuses (and counts) first
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new Error(`JT/T 808 port ${this.opts.host}:${this.opts.port} is in use; set JT808_PORT (0 turns the gateway off)`) : err));
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    this.server = server;
    this.sweeper = setInterval(() => this.sweep(), 5_000);
    this.sweeper.unref();
    return this.port;
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    for (const c of [...this.conns]) this.drop(c, null);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = null;
  }

  /** What the connections hold right now, for the memory bounds (fuzz test, health). */
  stats(): { connections: number; maxReaderBytes: number; maxQueuedFrames: number; maxSubpackageBytes: number; maxInFlight: number } {
    let maxReaderBytes = 0;
    let maxQueuedFrames = 0;
    let maxSubpackageBytes = 0;
    let maxInFlight = 0;
    for (const c of this.conns) {
      maxReaderBytes = Math.max(maxReaderBytes, c.reader.buffered);
      maxQueuedFrames = Math.max(maxQueuedFrames, c.queue.length);
      maxSubpackageBytes = Math.max(maxSubpackageBytes, c.session.subpackageBytes);
      maxInFlight = Math.max(maxInFlight, c.inFlight);
    }
    return { connections: this.conns.size, maxReaderBytes, maxQueuedFrames, maxSubpackageBytes, maxInFlight };
  }

  /** Is the unit's terminal connected and authenticated here? */
  isConnected(unitId: string): boolean {
    return this.byUnit.has(unitId);
  }

  /** Sends a dispatch order as 0x8300 to the unit's terminal, if it is connected here. */
  sendOrder(unitId: string, cmd: CommandPayload): boolean {
    const c = this.byUnit.get(unitId);
    if (!c || c.closed) return false;
    const serial = c.session.nextSerial();
    const flags = TEXT_FLAG.display | TEXT_FLAG.tts | (cmd.emergency ? TEXT_FLAG.emergency : 0);
    const body = textMessageBody(c.session.version, flags, cmd.text);
    c.session.orderSent(serial, { taskId: cmd.taskId, commandId: cmd.commandId, sentAt: Date.now() });
    this.write(c, { msgId: JT808_MSG.textMessage, phone: c.session.wirePhone, serial, version: c.session.version }, body);
    this.metrics.orders.inc({ event: 'sent' });
    return true;
  }

  private accept(socket: Socket): void {
    if (this.conns.size >= this.opts.maxConnections) {
      this.refuse('max_connections', { remote: socket.remoteAddress });
      socket.destroy();
      return;
    }
    const id = this.nextId++;
    const c: Connection = new Connection(
      socket, id, this.opts,
      (f) => this.onFrame(c, f),
      (reason, bytes) => this.refuse(reason, { conn: id, bytes }),
    );
    this.conns.add(c);
    this.metrics.connections.set(this.conns.size);
    socket.setNoDelay(true);
    socket.setTimeout(this.opts.heartbeatS * 3 * 1000, () => this.drop(c, 'idle_timeout'));
    socket.on('data', (chunk: Buffer) => this.onData(c, chunk));
    socket.on('error', () => undefined); // a reset is a close; 'close' follows
    socket.on('close', () => this.forget(c));
  }

  private onData(c: Connection, chunk: Buffer): void {
    if (c.closed) return;
    const wait = c.bytes.take(chunk.length, Date.now());
    c.reader.feed(chunk);
    if (wait > 0) this.pauseFor(c, wait, 'bytes');
  }

  private onFrame(c: Connection, frame: Uint8Array): void {
    if (c.closed) return;
    const wait = c.frames.take(1, Date.now());
    if (wait > 0) this.pauseFor(c, wait, 'frames');
    if (c.queue.length >= MAX_QUEUED_FRAMES) {
      // the socket was paused at the limit; what was already read in the same chunk still fits here
      this.refuse('queue_full', { conn: c.id });
      return;
    }
    c.queue.push(frame);
    if (c.queue.length >= MAX_QUEUED_FRAMES / 2) c.socket.pause();
    this.drain(c);
  }

  /** Handles queued frames in order; a registration or authentication holds the ones behind it. */
  private drain(c: Connection): void {
    while (!c.busy && c.queue.length > 0 && !c.closed) {
      const frame = c.queue.shift()!;
      const step = this.handleFrame(c, frame);
      if (step) {
        c.busy = true;
        step.catch((e: Error) => this.log.error({ conn: c.id, err: e.message }, 'jt808 frame handling failed')).finally(() => {
          c.busy = false;
          this.drain(c);
        });
      }
    }
    this.maybeResume(c);
  }

  private handleFrame(c: Connection, frame: Uint8Array): Promise<void> | null {
    const r = decodeJt808Frame(frame);
    if (!r.ok) {
      this.refuse(r.error.code, { conn: c.id, phone: c.session.wirePhone || undefined, detail: r.error.detail });
      return null;
    }
    const h = r.message.header;
    this.metrics.frames.inc({ msg: MSG_NAMES.get(h.msgId) ?? 'other' });
    const now = Date.now();
    const a: SessionAction = c.session.handle(r.message, now, (p) => normaliseJt808Phone(p) === c.session.phone);
    switch (a.kind) {
      case 'partial':
      case 'terminal_response':
        return null;
      case 'refuse':
        this.refuse(a.reason, { conn: c.id, phone: a.header?.phone, detail: a.detail });
        if (a.header) this.reply(c, a.header, FAILURE);
        return null;
      case 'reply':
        this.reply(c, a.header, a.result);
        if (a.logout) this.drop(c, null);
        return null;
      case 'register':
        return this.register(c, a.header);
      case 'authenticate':
        return this.authenticate(c, a.header, a.authCode);
      case 'relay':
        this.relay(c, a.header, a.body, now);
        return null;
      case 'order_ack':
        this.reply(c, a.header, OK);
        if (a.result !== 0) {
          this.metrics.orders.inc({ event: 'refused_by_terminal' });
          return null;
        }
        this.metrics.orders.inc({ event: 'acknowledged' });
        this.uplink
          .publishStatus(c.session.unitId!, { ts: now, status: 'order_received', taskId: a.order.taskId, source: 'terminal' })
          .catch((e: Error) => this.log.warn({ unitId: c.session.unitId, taskId: a.order.taskId, err: e.message }, 'order acknowledgement not published; the order is sent again'));
        return null;
    }
  }

  private async register(c: Connection, h: Jt808Header): Promise<void> {
    const r = await this.directory.register(h.phone);
    if (r.result !== 0) this.refuse(r.result === 3 ? 'register_already_registered' : 'register_unknown_phone', { conn: c.id, phone: h.phone });
    else this.log.info({ phone: h.phone, unitId: r.unitId }, 'jt808 terminal registered');
    this.write(c, { msgId: JT808_MSG.registerResponse, phone: h.phone, serial: c.session.nextSerial(), version: h.headerVersion }, registerResponseBody(h.serial, r.result, r.authCode));
  }

  private async authenticate(c: Connection, h: Jt808Header, code: string): Promise<void> {
    const r = await this.directory.authenticate(h.phone, code);
    if (typeof r === 'string') {
      this.refuse(`auth_${r}`, { conn: c.id, phone: h.phone });
      this.reply(c, h, FAILURE);
      this.drop(c, null, true);
      return;
    }
    if (c.closed) return;
    const before = this.byPhone.get(r.phone);
    if (before && before !== c) this.drop(before, 'replaced');
    const other = this.byUnit.get(r.unitId);
    if (other && other !== c) this.drop(other, 'replaced');
    c.session.authenticatedAs(r.phone, r.unitId, h);
    this.byPhone.set(r.phone, c);
    this.byUnit.set(r.unitId, c);
    this.reply(c, h, OK);
    this.uplink.presence(r.unitId, true);
    this.log.info({ phone: h.phone, unitId: r.unitId, version: h.headerVersion }, 'jt808 terminal authenticated');
  }

  private relay(c: Connection, h: Jt808Header, body: Uint8Array, receivedAt: number): void {
    c.inFlight++;
    if (c.inFlight >= this.opts.maxInFlight) c.socket.pause();
    const unitId = c.session.unitId!;
    this.uplink
      .relay(unitId, { phone: h.phone, version: h.headerVersion, msgId: h.msgId, serial: h.serial, body: Buffer.from(body).toString('base64'), receivedAt })
      .then(
        () => {
          this.metrics.relaySeconds.observe((Date.now() - receivedAt) / 1000);
          if (!c.closed) this.reply(c, h, OK);
        },
        (e: Error) => this.refuse('not_durable', { conn: c.id, phone: h.phone, serial: h.serial, err: e.message }),
      )
      .finally(() => {
        c.inFlight--;
        this.maybeResume(c);
      });
  }

  private reply(c: Connection, h: Jt808Header, result: number): void {
    this.write(c, { msgId: JT808_MSG.platformGeneralResponse, phone: h.phone, serial: c.session.nextSerial(), version: h.headerVersion }, platformGeneralResponseBody(h.serial, h.msgId, result));
  }

  private write(c: Connection, h: { msgId: number; phone: string; serial: number; version: '2013' | '2019' }, body: Uint8Array): void {
    if (c.closed) return;
    c.socket.write(encodeJt808Frame(h, body));
  }

  private pauseFor(c: Connection, ms: number, limit: 'bytes' | 'frames'): void {
    this.metrics.throttled.inc({ limit });
    const until = Date.now() + ms;
    if (until <= c.pausedUntil) return;
    c.pausedUntil = until;
    c.socket.pause();
    setTimeout(() => this.maybeResume(c), ms).unref();
  }

  private maybeResume(c: Connection): void {
    if (c.closed || Date.now() < c.pausedUntil || c.inFlight >= this.opts.maxInFlight || c.queue.length >= MAX_QUEUED_FRAMES / 2) return;
    c.socket.resume();
  }

  /** Every 5 s: sub-packages given up for age. */
  private sweep(): void {
    const now = Date.now();
    for (const c of this.conns) for (const d of c.session.expire(now)) this.refuse(d.reason, { conn: c.id, detail: d.detail });
  }

  private drop(c: Connection, reason: string | null, afterWrite = false): void {
    if (c.closed) return;
    c.closed = true;
    if (reason) this.refuse(reason, { conn: c.id, phone: c.session.wirePhone || undefined });
    if (afterWrite) c.socket.end();
    else c.socket.destroy();
    this.forget(c);
  }

  private forget(c: Connection): void {
    c.closed = true;
    if (!this.conns.delete(c)) return;
    this.metrics.connections.set(this.conns.size);
    const { phone, unitId } = c.session;
    if (phone && this.byPhone.get(phone) === c) this.byPhone.delete(phone);
    if (unitId && this.byUnit.get(unitId) === c) {
      this.byUnit.delete(unitId);
      this.uplink.presence(unitId, false);
    }
  }

  private refuse(reason: string, fields: Record<string, unknown>): void {
    this.metrics.refused.inc({ reason });
    this.refusalLog.note('jt808', reason, fields);
  }
}
