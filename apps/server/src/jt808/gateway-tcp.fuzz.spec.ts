import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { Jt808RegisterOutcome, Jt808TerminalRow, Jt808TerminalsRepository } from '@rescue/persistence';
import { JT808_MSG, locationBody } from '@rescue/telemetry';
import { jt808Arbitrary } from '@rescue/telemetry/testing';
import { Jt808Gateway } from './gateway';
import { Jt808TerminalClient } from '../simulator/jt808-terminal-client';
import { Jt808Directory } from './terminal-directory';
import type { Jt808Uplink } from './uplink';

/**
 * The gateway's frame reader and session over real TCP, fed the JT/T 808 fuzz corpus (mutated vectors,
 * synthetic frames with lying lengths, broken escapes, random bytes) cut at random places, glued
 * together, sent in slow trickles or all at once, after a real registration and authentication. The
 * properties: the process never throws, every connection's buffers stay within their bounds, and the
 * gateway still serves a well-behaved terminal afterwards. The directory's table and the broker are
 * in-memory stand-ins here: this is about the TCP side (the broker and database paths are covered in
 * test/jt808-gateway.test.ts).
 */

const MAX_FRAME = 1024;
const SUB_MAX_BYTES = 8 * 1024;

class MemoryTerminals {
  private readonly rows = new Map<string, Jt808TerminalRow>();
  provisionRow(phone: string, unitId: string): void {
    this.rows.set(phone, { phone, unitId, authCodeHash: null, createdAt: Date.now(), registeredAt: null, revokedAt: null });
  }
  async all(): Promise<Jt808TerminalRow[]> {
    return [...this.rows.values()];
  }
  async byPhone(phone: string): Promise<Jt808TerminalRow | null> {
    return this.rows.get(phone) ?? null;
  }
  async register(phone: string, hash: string): Promise<{ outcome: Jt808RegisterOutcome; unitId: string | null }> {
    const r = this.rows.get(phone);
    if (!r) return { outcome: 'unknown', unitId: null };
    if (r.authCodeHash) return { outcome: 'already_registered', unitId: r.unitId };
    r.authCodeHash = hash;
    return { outcome: 'registered', unitId: r.unitId };
  }
}

describe('JT/T 808 gateway over TCP: fuzzed byte streams', () => {
  let gateway: Jt808Gateway;
  let relayed = 0;
  const terminals = new MemoryTerminals();
  const uplink: Jt808Uplink = {
    relay: async () => void relayed++,
    publishStatus: async () => undefined,
    presence: () => undefined,
    onCommand: () => undefined,
    connected: true,
    close: async () => undefined,
  };

  beforeAll(async () => {
    for (let i = 0; i < 100; i++) terminals.provisionRow(String(13800000000 + i), `FZ-${i}`);
    const directory = new Jt808Directory(terminals as unknown as Jt808TerminalsRepository, pino({ level: 'silent' }));
    await directory.start();
    gateway = new Jt808Gateway(
      {
        port: 0, host: '127.0.0.1', maxConnections: 50, maxFrameBytes: MAX_FRAME, maxBytesPerS: 10_000_000, maxFramesPerS: 100_000, heartbeatS: 60, maxInFlight: 16,
        subpackages: { maxOpen: 2, maxParts: 16, maxBytes: SUB_MAX_BYTES, maxAgeMs: 1000 },
      },
      directory, uplink, new Registry(), pino({ level: 'silent' }),
    );
    await gateway.start();
  });
  afterAll(async () => gateway.close());

  /** A registered, authenticated connection for phone index i (so fuzz frames reach the session). */
  const authenticated = async (i: number): Promise<Jt808TerminalClient> => {
    const t = new Jt808TerminalClient(`0${13800000000 + i}`);
    await t.connect('127.0.0.1', gateway.port);
    const reg = await t.register();
    if (reg.result === 0) codes.set(i, reg.authCode!);
    expect(await t.authenticate(codes.get(i)!)).toBe(0);
    return t;
  };
  const codes = new Map<number, string>();

  it('fragmented, concatenated, random and slow streams: no crash, buffers bounded, still serving', async () => {
    const stream = fc.record({
      frames: fc.array(jt808Arbitrary(), { minLength: 1, maxLength: 8 }),
      cuts: fc.array(fc.nat({ max: 200 }), { maxLength: 6 }),
      slow: fc.boolean(),
      oversize: fc.option(fc.nat({ max: 3 * MAX_FRAME }), { freq: 5 }),
    });
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(stream, async ({ frames, cuts, slow, oversize }) => {
        const i = runs++ % 100;
        const t = await authenticated(i);
        const bytes = Buffer.concat([...frames.map((f) => Buffer.from(f)), oversize === null ? Buffer.alloc(0) : Buffer.from([0x7e, ...new Uint8Array(oversize).fill(0x30)])]);
        const sock = (t as unknown as { socket: Socket }).socket;
        let at = 0;
        for (const c of [...cuts.sort((a, b) => a - b), bytes.length]) {
          const end = Math.min(bytes.length, Math.max(at, c));
          if (end > at) sock.write(bytes.subarray(at, end));
          at = end;
          if (slow) await new Promise((r) => setTimeout(r, 1));
        }
        const s = gateway.stats();
        expect(s.maxReaderBytes).toBeLessThanOrEqual(MAX_FRAME);
        expect(s.maxSubpackageBytes).toBeLessThanOrEqual(SUB_MAX_BYTES);
        expect(s.maxQueuedFrames).toBeLessThanOrEqual(32);
        t.destroy();
        await t.closed;
      }),
      { numRuns: 150, seed: 0x808 },
    );
    // the gateway still works for a well-behaved terminal, on a fresh connection
    const ok = await authenticated(99);
    const serial = ok.send(JT808_MSG.location, locationBody({ ts: Math.floor(Date.now() / 1000) * 1000, lat: 22.5, lon: 114 }));
    expect((await ok.responseTo(serial)).result).toBe(0);
    expect(relayed).toBeGreaterThan(0); // fuzzed location frames that decoded went on to the uplink
    ok.destroy();
  });

  it('pure random bytes from unauthenticated connections, in trickles: refused, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 10 }), async (chunks) => {
        const s = connect({ host: '127.0.0.1', port: gateway.port });
        s.on('error', () => undefined);
        await new Promise<void>((r) => s.once('connect', () => r()));
        for (const c of chunks) s.write(c);
        await new Promise((r) => setTimeout(r, 2));
        expect(gateway.stats().maxReaderBytes).toBeLessThanOrEqual(MAX_FRAME);
        s.destroy();
      }),
      { numRuns: 100, seed: 0x809 },
    );
    expect(gateway.connectionCount).toBeLessThanOrEqual(50);
    // one more frame that is well-formed but comes before authentication gets its refusal
    const t = new Jt808TerminalClient('013900000000');
    await t.connect('127.0.0.1', gateway.port);
    expect((await t.responseTo(t.send(JT808_MSG.heartbeat))).result).toBe(1);
    t.destroy();
  });
});
