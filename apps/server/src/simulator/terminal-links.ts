import { connect, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { commandTopic, type CommandPayload, TOPIC_PREFIX } from '@rescue/contracts';
import { JT808_MSG } from '@rescue/telemetry';
import { Jt808TerminalClient } from './jt808-terminal-client';

/** A fix as a simulated terminal sends it. */
export interface SimFix {
  ts: number;
  lat: number;
  lon: number;
  speedKmh: number;
  headingDeg: number;
}

/** A crew status in the MQTT contract (status topic). */
export interface SimStatus {
  ts: number;
  status: string;
  taskId?: string;
  source: 'terminal';
}

/**
 * How one simulated vehicle talks to the platform: positions, crew statuses and dispatch orders.
 * `onOrder` is told of each order the terminal received (after it acknowledged it on its own protocol).
 */
export interface TerminalLink {
  readonly kind: 'mqtt' | 'jt808';
  readonly connected: boolean;
  fix(f: SimFix): void;
  status(s: SimStatus): void;
  close(): Promise<void>;
}

export interface MqttLinkOptions {
  url: string;
  unitId: string;
  credentials: { username: string; password: string } | null;
  log: Logger;
  /** The unit's presence and Last Will ride on this link (false when a JT/T 808 terminal reports it). */
  presence: boolean;
  /** Subscribe to the unit's command topic: each dispatch order, acknowledged with `ack(taskId)`. */
  onOrder: ((taskId: string) => void) | null;
}

/** An MQTT terminal in our JSON contract (or, beside a JT/T 808 terminal, the crew's tablet for statuses). */
export class MqttTerminalLink implements TerminalLink {
  readonly kind = 'mqtt' as const;
  private readonly client: MqttClient;
  private readonly base: string;

  constructor(private readonly o: MqttLinkOptions) {
    this.base = `${TOPIC_PREFIX}/${o.unitId}`;
    this.client = connect(o.url, {
      // "<unitId>:…": the embedded broker binds a unit's client id to its unit id.
      clientId: `${o.unitId}:sim`,
      username: o.credentials?.username,
      password: o.credentials?.password,
      clean: true,
      will: o.presence ? { topic: `${this.base}/presence`, payload: Buffer.from('offline'), qos: 1, retain: true } : undefined,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
    });
    // On every (re)connect: after a lost connection the broker has published the Will ("offline").
    this.client.on('connect', () => {
      if (o.presence) this.client.publish(`${this.base}/presence`, 'online', { qos: 1, retain: true });
      if (o.onOrder) this.client.subscribe(commandTopic(o.unitId), { qos: 1 });
    });
    this.client.on('message', (_topic, payload) => {
      let cmd: CommandPayload;
      try {
        cmd = JSON.parse(payload.toString('utf8')) as CommandPayload;
      } catch {
        return;
      }
      if (cmd?.type === 'dispatch_order' && typeof cmd.taskId === 'string') o.onOrder?.(cmd.taskId);
    });
    this.client.on('error', (err) => o.log.warn({ unitId: o.unitId, err: err.message }, 'simulator mqtt error'));
  }

  get connected(): boolean {
    return this.client.connected;
  }

  fix(f: SimFix): void {
    // Offline, fixes are dropped rather than queued without bound in the client (statuses, rare, are kept by mqtt.js).
    if (this.client.connected) this.client.publish(`${this.base}/position`, JSON.stringify({ ...f, accuracyM: 5 }), { qos: 1 });
  }

  status(s: SimStatus): void {
    this.client.publish(`${this.base}/status`, JSON.stringify(s), { qos: 1 });
  }

  async close(): Promise<void> {
    if (this.client.connected && this.o.presence) {
      await withTimeout(this.client.publishAsync(`${this.base}/presence`, 'offline', { qos: 1, retain: true }), 1000).catch(() => undefined);
    }
    // A broker already gone would leave endAsync waiting for an ack: force after a second.
    await withTimeout(this.client.endAsync(), 1000).catch(() => this.client.end(true));
  }
}

export interface Jt808LinkOptions {
  unitId: string;
  /** Terminal phone as provisioned for the unit. */
  phone: string;
  host: string;
  port: number;
  heartbeatMs: number;
  log: Logger;
  /** The crew's statuses (JT/T 808 has no message for our lifecycle): the tablet's MQTT link. */
  statuses: TerminalLink;
  onOrder: (taskId: string) => void;
}

/**
 * A JT/T 808 vehicle terminal on TCP to the gateway, as a real one behaves: register once for its
 * authentication code, authenticate on every connection, a 0x0200 per fix, a heartbeat while idle,
 * 0x0001 to each 0x8300 order (which the gateway records as 收到指令), and reconnecting when cut off.
 */
export class Jt808TerminalLink implements TerminalLink {
  readonly kind = 'jt808' as const;
  private client: Jt808TerminalClient | null = null;
  private authCode: string | null = null;
  private ready = false;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly o: Jt808LinkOptions) {
    void this.open();
  }

  get connected(): boolean {
    return this.ready && this.client?.connected === true;
  }

  fix(f: SimFix): void {
    if (!this.connected) return; // out of coverage: a real terminal would buffer for a 0x0704 blind-area batch
    this.client!.sendLocation({ ts: Math.floor(f.ts / 1000) * 1000, lat: f.lat, lon: f.lon, speedKmh: f.speedKmh, headingDeg: f.headingDeg, satellites: 9 });
  }

  status(s: SimStatus): void {
    this.o.statuses.status(s);
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.client?.connected) {
      this.client.send(JT808_MSG.logout);
      await withTimeout(this.client.end(), 1000).catch(() => this.client?.destroy());
    }
    await this.o.statuses.close();
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    const c = new Jt808TerminalClient(this.o.phone);
    c.keep = 16; // a demo runs for days: keep only the last frames
    this.client = c;
    try {
      await c.connect(this.o.host, this.o.port);
      if (this.authCode === null) {
        const reg = await c.register(`演示${this.o.unitId.slice(-4)}`);
        if (reg.result !== 0 || !reg.authCode) throw new Error(`0x8100 result ${reg.result}`);
        this.authCode = reg.authCode;
      }
      const auth = await c.authenticate(this.authCode);
      if (auth !== 0) {
        this.authCode = null; // re-provisioned meanwhile: register again
        throw new Error(`0x0102 refused (result ${auth})`);
      }
      c.onText = (_text, m) => {
        c.answer(m, 0);
        const taskId = /任务号：(\S+)/.exec(_text)?.[1];
        if (taskId) this.o.onOrder(taskId);
      };
      this.ready = true;
      this.heartbeat = setInterval(() => c.connected && c.heartbeat(), this.o.heartbeatMs);
      this.o.log.info({ unitId: this.o.unitId, phone: this.o.phone }, 'simulated JT/T 808 terminal online');
      await c.closed;
    } catch (e) {
      if (!this.stopped) this.o.log.warn({ unitId: this.o.unitId, err: (e as Error).message }, 'simulated JT/T 808 terminal could not connect; retrying');
      c.destroy();
    }
    this.ready = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (!this.stopped) this.retry = setTimeout(() => void this.open(), 2000);
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}
