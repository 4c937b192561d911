import type { Jt808Header } from './types';

export interface SubpackageLimits {
  /** Messages being reassembled at once on one connection. */
  maxOpen: number;
  /** Packages one message may have. */
  maxParts: number;
  /** Bytes of one reassembled body, and of everything held on one connection. */
  maxBytes: number;
  /** How long a message may take to arrive whole. */
  maxAgeMs: number;
}

export const DEFAULT_SUBPACKAGE_LIMITS: SubpackageLimits = { maxOpen: 4, maxParts: 64, maxBytes: 64 * 1024, maxAgeMs: 60_000 };

/** Why a sub-packaged message was given up (counted by the gateway). */
export type SubpackageDrop = 'subpackage_bad_numbering' | 'subpackage_too_many_parts' | 'subpackage_too_large' | 'subpackage_too_many_open' | 'subpackage_timeout';

export type SubpackageResult =
  | { kind: 'partial' }
  | { kind: 'complete'; header: Jt808Header; body: Uint8Array }
  | { kind: 'dropped'; reason: SubpackageDrop; detail: string };

interface Assembly {
  header: Jt808Header;
  parts: Array<Uint8Array | undefined>;
  received: number;
  bytes: number;
  startedAt: number;
}

/**
 * Reassembles one connection's sub-packaged messages (bodyAttr bit 13: total and 1-based sequence per
 * package). A message is keyed by its id, its total and the serial its first package must have
 * (serials run on across the packages), so two messages of the same id do not mix. Everything is
 * bounded: open messages, parts, bytes, age; what exceeds a bound or is left incomplete is dropped
 * with a reason. Pure: the caller passes the time.
 */
export class SubpackageAssembler {
  private readonly open = new Map<string, Assembly>();
  private heldBytes = 0;

  constructor(private readonly limits: SubpackageLimits = DEFAULT_SUBPACKAGE_LIMITS) {}

  get openMessages(): number {
    return this.open.size;
  }

  get bytesHeld(): number {
    return this.heldBytes;
  }

  add(header: Jt808Header, body: Uint8Array, now: number): SubpackageResult {
    const sp = header.subpackage;
    if (!sp || sp.total < 1 || sp.seq < 1 || sp.seq > sp.total) {
      return { kind: 'dropped', reason: 'subpackage_bad_numbering', detail: `package ${sp?.seq}/${sp?.total}` };
    }
    if (sp.total > this.limits.maxParts) {
      return { kind: 'dropped', reason: 'subpackage_too_many_parts', detail: `${sp.total} packages > ${this.limits.maxParts}` };
    }
    if (sp.total === 1) return { kind: 'complete', header: whole(header, body.length), body };
    const key = `${header.msgId}:${sp.total}:${(header.serial - (sp.seq - 1) + 0x10000) & 0xffff}`;
    let a = this.open.get(key);
    if (!a) {
      if (this.open.size >= this.limits.maxOpen) {
        return { kind: 'dropped', reason: 'subpackage_too_many_open', detail: `${this.open.size} messages already open` };
      }
      a = { header, parts: new Array<Uint8Array | undefined>(sp.total), received: 0, bytes: 0, startedAt: now };
      this.open.set(key, a);
    }
    if (a.parts[sp.seq - 1] === undefined) {
      if (a.bytes + body.length > this.limits.maxBytes || this.heldBytes + body.length > this.limits.maxBytes) {
        this.discard(key, a);
        return { kind: 'dropped', reason: 'subpackage_too_large', detail: `more than ${this.limits.maxBytes} bytes` };
      }
      a.parts[sp.seq - 1] = body;
      a.received++;
      a.bytes += body.length;
      this.heldBytes += body.length;
    } // a resent package replaces nothing: the first copy stands
    if (a.received < sp.total) return { kind: 'partial' };
    this.discard(key, a);
    const out = new Uint8Array(a.bytes);
    let p = 0;
    for (const part of a.parts) {
      out.set(part!, p);
      p += part!.length;
    }
    const first = { ...a.header, serial: (header.serial - (sp.seq - 1) + 0x10000) & 0xffff };
    return { kind: 'complete', header: whole(first, out.length), body: out };
  }

  /** Gives up messages older than maxAgeMs; returns one drop per message. */
  expire(now: number): Array<{ reason: 'subpackage_timeout'; detail: string }> {
    const out: Array<{ reason: 'subpackage_timeout'; detail: string }> = [];
    for (const [key, a] of this.open) {
      if (now - a.startedAt > this.limits.maxAgeMs) {
        this.discard(key, a);
        out.push({ reason: 'subpackage_timeout', detail: `message 0x${a.header.msgId.toString(16)}: ${a.received}/${a.parts.length} packages after ${this.limits.maxAgeMs} ms` });
      }
    }
    return out;
  }

  private discard(key: string, a: Assembly): void {
    this.open.delete(key);
    this.heldBytes -= a.bytes;
  }
}

function whole(h: Jt808Header, bodyLength: number): Jt808Header {
  return { ...h, subpackage: null, bodyLength };
}
