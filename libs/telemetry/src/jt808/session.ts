import { decodeJt808Body } from './decode';
import { SubpackageAssembler, type SubpackageDrop, type SubpackageLimits } from './subpackages';
import { JT808_MSG, type Jt808Body, type Jt808Header, type Jt808HeaderVersion, type Jt808Message } from './types';

/**
 * What the gateway must do with one decoded frame of a connection, decided without I/O:
 * - `register` / `authenticate`: look the phone up (async, the gateway's), then call authenticated();
 * - `relay`: a location message to hand to ingest; its 0x8001 waits until it is durable;
 * - `reply`: answer at once with 0x8001 `result` (heartbeat, logout, unsupported messages);
 * - `order_ack`: a 0x0001 answering one of our 0x8300 orders;
 * - `partial`: a sub-package, held until its message is whole;
 * - `refuse`: counted by `reason`, answered with 0x8001 failure when the header could be trusted.
 */
export type SessionAction =
  | { kind: 'register'; header: Jt808Header; plate: string | null }
  | { kind: 'authenticate'; header: Jt808Header; authCode: string }
  | { kind: 'relay'; header: Jt808Header; body: Uint8Array }
  | { kind: 'reply'; header: Jt808Header; result: number; logout?: boolean }
  | { kind: 'order_ack'; header: Jt808Header; order: PendingOrder; result: number }
  | { kind: 'terminal_response'; header: Jt808Header }
  | { kind: 'partial' }
  | { kind: 'refuse'; reason: SessionRefusal | SubpackageDrop; detail: string; header: Jt808Header | null };

export type SessionRefusal = 'not_authenticated' | 'phone_mismatch' | 'encrypted' | 'bad_body';

export interface PendingOrder {
  taskId: string;
  commandId: string;
  sentAt: number;
}

/** Messages whose 0x8001 waits for durability: they carry fixes. */
const RELAYED = new Set<number>([JT808_MSG.location, JT808_MSG.locationBatch, JT808_MSG.positionQueryAnswer]);

/** Orders a connection remembers waiting for their 0x0001 (oldest forgotten first; the server retries). */
const MAX_PENDING_ORDERS = 16;

/**
 * One TCP connection's protocol state: before authentication only 0x0100 and 0x0102 are accepted;
 * afterwards every frame must carry the authenticated phone. Sub-packages are joined within bounds.
 * The platform's own serial numbers and the 0x8300 orders awaiting their 0x0001 live here too.
 */
export class Jt808Session {
  /** Normalised phone and unit once authenticated. */
  phone: string | null = null;
  unitId: string | null = null;
  version: Jt808HeaderVersion = '2013';
  /** The header phone as the terminal writes it (replies echo it). */
  wirePhone = '';
  private serial = 0;
  private readonly assembler: SubpackageAssembler;
  private readonly orders = new Map<number, PendingOrder>();

  constructor(limits?: SubpackageLimits) {
    this.assembler = new SubpackageAssembler(limits);
  }

  get authenticated(): boolean {
    return this.unitId !== null;
  }

  get subpackageBytes(): number {
    return this.assembler.bytesHeld;
  }

  nextSerial(): number {
    const s = this.serial;
    this.serial = (this.serial + 1) & 0xffff;
    return s;
  }

  authenticatedAs(phone: string, unitId: string, header: Jt808Header): void {
    this.phone = phone;
    this.unitId = unitId;
    this.version = header.headerVersion;
    this.wirePhone = header.phone;
  }

  /** Remembers an order sent with this serial, for its 0x0001. */
  orderSent(serial: number, order: PendingOrder): void {
    this.orders.set(serial, order);
    if (this.orders.size > MAX_PENDING_ORDERS) this.orders.delete(this.orders.keys().next().value!);
  }

  /** Sub-packaged messages given up for age. */
  expire(now: number): Array<{ reason: 'subpackage_timeout'; detail: string }> {
    return this.assembler.expire(now);
  }

  /** `samePhone(headerPhone)`: does the frame's phone denote the authenticated terminal (normalised)? */
  handle(m: Jt808Message, now: number, samePhone: (headerPhone: string) => boolean): SessionAction {
    const h = m.header;
    if (h.encryption !== 0) return { kind: 'refuse', reason: 'encrypted', detail: 'RSA-encrypted bodies are not supported', header: h };
    if (!this.authenticated) {
      if (h.msgId === JT808_MSG.register || h.msgId === JT808_MSG.authentication) return this.whole(m, now);
      return { kind: 'refuse', reason: 'not_authenticated', detail: `0x${h.msgId.toString(16).padStart(4, '0')} before 0x0102`, header: h };
    }
    if (!samePhone(h.phone)) return { kind: 'refuse', reason: 'phone_mismatch', detail: `frame from ${h.phone} on the connection of ${this.wirePhone}`, header: h };
    return this.whole(m, now);
  }

  private whole(m: Jt808Message, now: number): SessionAction {
    if (m.header.subpackage === null) return this.act(m.header, m.body, m.bodyBytes);
    const body = m.bodyBytes;
    const r = this.assembler.add(m.header, body, now);
    if (r.kind === 'partial') return r;
    if (r.kind === 'dropped') return { kind: 'refuse', reason: r.reason, detail: r.detail, header: m.header };
    const decoded = decodeJt808Body(r.header, r.body);
    if ('code' in decoded) {
      // a whole location body that does not decode still goes to ingest, to be dead-lettered there
      if (RELAYED.has(r.header.msgId)) return { kind: 'relay', header: r.header, body: r.body };
      return { kind: 'refuse', reason: 'bad_body', detail: `${decoded.code}: ${decoded.detail}`, header: r.header };
    }
    return this.act(r.header, decoded, r.body);
  }

  private act(h: Jt808Header, body: Jt808Body, bytes: Uint8Array): SessionAction {
    switch (body.kind) {
      case 'register':
        return { kind: 'register', header: h, plate: body.plate };
      case 'authentication':
        return { kind: 'authenticate', header: h, authCode: body.authCode };
      case 'location':
      case 'location_batch':
      case 'position_answer':
        return { kind: 'relay', header: h, body: bytes };
      case 'heartbeat':
        return { kind: 'reply', header: h, result: 0 };
      case 'logout':
        return { kind: 'reply', header: h, result: 0, logout: true };
      case 'terminal_general_response': {
        const order = body.replyMsgId === JT808_MSG.textMessage ? this.orders.get(body.replySerial) : undefined;
        if (!order) return { kind: 'terminal_response', header: h };
        this.orders.delete(body.replySerial);
        return { kind: 'order_ack', header: h, order, result: body.result };
      }
      case 'platform_general_response':
      case 'opaque':
      case 'other':
        return { kind: 'reply', header: h, result: 3 }; // unsupported
    }
  }
}

