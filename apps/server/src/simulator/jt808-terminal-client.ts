import { connect, type Socket } from 'node:net';
import {
  authenticationBody, decodeJt808Frame, encodeJt808Frame, type FrameHeader, Jt808FrameReader, type Jt808HeaderVersion, type Jt808Message, JT808_MSG,
  locationBatchBody, locationBody, type LocationInput, registerBody, terminalGeneralResponseBody,
} from '@rescue/telemetry';

/**
 * A JT/T 808 terminal on a real TCP socket, as a vehicle would behave: register, authenticate, report,
 * heartbeat, answer orders. For the integration tests, the demo simulator and bench:jt808; the frames
 * it sends come from the same encoder the gateway uses for its replies.
 */
export class Jt808TerminalClient {
  private socket: Socket | null = null;
  private serial = 0;
  private readonly waiters: Array<{ match: (m: Jt808Message) => boolean; resolve: (m: Jt808Message) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];
  /** Every decoded frame from the platform, in order (tests read it). */
  readonly received: Jt808Message[] = [];
  /** Called for every 0x8300 order: the text (GBK decoded) and the frame. */
  onText: ((text: string, m: Jt808Message) => void) | null = null;
  /** Called for every 0x8001 with its reply serial, message id and result. */
  onGeneralResponse: ((replySerial: number, replyMsgId: number, result: number) => void) | null = null;
  /** Keep only the last `keep` received frames (the bench runs for minutes). */
  keep = Infinity;
  closed: Promise<void> = Promise.resolve();

  constructor(
    readonly phone: string,
    readonly version: Jt808HeaderVersion = '2013',
  ) {}

  async connect(host: string, port: number): Promise<void> {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    this.socket = socket;
    const reader = new Jt808FrameReader(64 * 1024, { frame: (f) => this.onFrame(f), drop: () => undefined });
    socket.on('data', (b) => reader.feed(b));
    socket.on('error', () => undefined);
    this.closed = new Promise((r) => socket.once('close', () => {
      for (const w of this.waiters.splice(0)) {
        clearTimeout(w.timer);
        w.reject(new Error('connection closed'));
      }
      r();
    }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
  }

  get connected(): boolean {
    return this.socket !== null && !this.socket.destroyed;
  }

  /** Sends raw bytes as they are (tests: broken, split, oversized frames). */
  writeRaw(bytes: Uint8Array): void {
    this.socket!.write(bytes);
  }

  /** Sends one message; returns its serial. */
  send(msgId: number, body: Uint8Array = new Uint8Array(0), extra: Partial<FrameHeader> = {}): number {
    const serial = this.serial;
    this.serial = (this.serial + 1) & 0xffff;
    this.socket!.write(encodeJt808Frame({ msgId, phone: this.phone, serial, version: this.version, ...extra }, body));
    return serial;
  }

  /** Waits for the platform's next frame that matches. */
  waitFor(match: (m: Jt808Message) => boolean, timeoutMs = 10_000): Promise<Jt808Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.findIndex((w) => w.resolve === resolve);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push({ match, resolve, reject, timer });
    });
  }

  /** The platform's 0x8001 to the message with this serial. */
  responseTo(serial: number, timeoutMs?: number): Promise<{ result: number; replyMsgId: number }> {
    return this.waitFor((m) => m.body.kind === 'platform_general_response' && m.body.replySerial === serial, timeoutMs).then((m) => {
      const b = m.body as { replyMsgId: number; result: number };
      return { result: b.result, replyMsgId: b.replyMsgId };
    });
  }

  /** 0x0100 → 0x8100: the result and, on success, the authentication code. */
  async register(plate = '粤B12345'): Promise<{ result: number; authCode: string | null }> {
    const serial = this.send(JT808_MSG.register, registerBody(this.version, plate));
    const m = await this.waitFor((x) => x.header.msgId === JT808_MSG.registerResponse);
    const body = (m.body as { bytes: Uint8Array }).bytes;
    const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
    if (v.getUint16(0) !== serial) throw new Error('0x8100 answers another serial');
    const result = body[2]!;
    return { result, authCode: result === 0 ? new TextDecoder('gbk').decode(body.subarray(3)) : null };
  }

  /** 0x0102 → 0x8001 result (0 = accepted). */
  async authenticate(code: string): Promise<number> {
    const serial = this.send(JT808_MSG.authentication, authenticationBody(this.version, code));
    return (await this.responseTo(serial)).result;
  }

  sendLocation(l: LocationInput): number {
    return this.send(JT808_MSG.location, locationBody(l));
  }

  sendBatch(type: 0 | 1, items: LocationInput[]): number {
    return this.send(JT808_MSG.locationBatch, locationBatchBody(type, items));
  }

  heartbeat(): number {
    return this.send(JT808_MSG.heartbeat);
  }

  /** 0x0001 to a platform message. */
  answer(m: Jt808Message, result = 0): number {
    return this.send(JT808_MSG.terminalGeneralResponse, terminalGeneralResponseBody(m.header.serial, m.header.msgId, result));
  }

  end(): Promise<void> {
    this.socket?.end();
    return this.closed;
  }

  destroy(): void {
    this.socket?.destroy();
  }

  private onFrame(f: Uint8Array): void {
    const r = decodeJt808Frame(f);
    if (!r.ok) return;
    const m = r.message;
    this.received.push(m);
    if (this.received.length > this.keep) this.received.shift();
    if (m.body.kind === 'platform_general_response') this.onGeneralResponse?.(m.body.replySerial, m.body.replyMsgId, m.body.result);
    if (m.header.msgId === JT808_MSG.textMessage && m.body.kind === 'other') {
      const b = m.body.bytes;
      const text = new TextDecoder('gbk').decode(b.subarray(m.header.headerVersion === '2019' ? 2 : 1));
      this.onText?.(text, m);
    }
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i]!;
      if (w.match(m)) {
        this.waiters.splice(i, 1);
        clearTimeout(w.timer);
        w.resolve(m);
        return;
      }
    }
  }
}
