import { Jt808FrameReader } from './frame-reader';
import { SubpackageAssembler } from './subpackages';
import type { Jt808Header } from './types';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/ /g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function read(max: number, chunks: string[]): { frames: string[]; drops: string[] } {
  const frames: string[] = [];
  const drops: string[] = [];
  const r = new Jt808FrameReader(max, { frame: (f) => frames.push(toHex(f)), drop: (reason, n) => drops.push(`${reason}:${n}`) });
  for (const c of chunks) r.feed(hex(c));
  return { frames, drops };
}

describe('Jt808FrameReader', () => {
  it.each<[string, string[], string[], string[]]>([
    ['one frame in one read', ['7e 0102 7e'], ['7e01027e'], []],
    ['a frame split byte by byte', ['7e', '01', '02', '7e'], ['7e01027e'], []],
    ['two frames in one read', ['7e01027e7e03047e'], ['7e01027e', '7e03047e'], []],
    ['7E 7E between frames makes no empty frame', ['7e017e', '7e', '7e027e'], ['7e017e', '7e027e'], []],
    ['bytes before the first flag are dropped and counted', ['aabb7e017e'], ['7e017e'], ['bytes_outside_frame:2']],
    ['a frame over the limit is dropped, the next one read', ['7e' + '11'.repeat(10) + '7e', '7e027e'], ['7e027e'], ['frame_too_large:11']],
    ['garbage after an oversized frame is counted, then the reader is in step', ['7e' + '11'.repeat(10) + '7e' + 'ff' + '7e037e'], ['7e037e'], ['frame_too_large:11', 'bytes_outside_frame:1']],
  ])('%s', (_c, chunks, frames, drops) => {
    expect(read(8, chunks)).toEqual({ frames, drops });
  });

  it('never holds more than its limit', () => {
    const r = new Jt808FrameReader(64, { frame: () => undefined, drop: () => undefined });
    r.feed(hex('7e' + '22'.repeat(1000)));
    expect(r.buffered).toBeLessThanOrEqual(64);
  });
});

describe('SubpackageAssembler', () => {
  const h = (serial: number, total: number, seq: number, msgId = 0x0704): Jt808Header => ({
    msgId, bodyLength: 0, encryption: 0, headerVersion: '2013', protocolVersion: null, phone: '013800000000', serial, subpackage: { total, seq },
  });
  const LIMITS = { maxOpen: 2, maxParts: 4, maxBytes: 10, maxAgeMs: 1000 };

  it('joins packages in any order, under the first package\'s serial', () => {
    const a = new SubpackageAssembler(LIMITS);
    expect(a.add(h(11, 3, 2), hex('0304'), 0)).toEqual({ kind: 'partial' });
    expect(a.add(h(12, 3, 3), hex('05'), 0)).toEqual({ kind: 'partial' });
    const r = a.add(h(10, 3, 1), hex('0102'), 0);
    expect(r).toMatchObject({ kind: 'complete', header: { serial: 10, subpackage: null, bodyLength: 5 } });
    expect(r.kind === 'complete' && toHex(r.body)).toBe('0102030405');
    expect(a.bytesHeld).toBe(0);
  });

  it.each<[string, (a: SubpackageAssembler) => unknown, string]>([
    ['sequence 0', (a) => a.add(h(1, 2, 0), hex('00'), 0), 'subpackage_bad_numbering'],
    ['sequence above total', (a) => a.add(h(1, 2, 3), hex('00'), 0), 'subpackage_bad_numbering'],
    ['too many parts', (a) => a.add(h(1, 5, 1), hex('00'), 0), 'subpackage_too_many_parts'],
    ['too many bytes', (a) => (a.add(h(1, 2, 1), hex('0000000000000000'), 0), a.add(h(2, 2, 2), hex('000000'), 0)), 'subpackage_too_large'],
    ['too many open messages', (a) => (a.add(h(1, 2, 1), hex('00'), 0), a.add(h(5, 2, 1), hex('00'), 0), a.add(h(9, 2, 1), hex('00'), 0)), 'subpackage_too_many_open'],
  ])('%s: dropped with its reason', (_c, act, reason) => {
    expect(act(new SubpackageAssembler(LIMITS))).toMatchObject({ kind: 'dropped', reason });
  });

  it('an incomplete message is given up after maxAgeMs, its bytes released', () => {
    const a = new SubpackageAssembler(LIMITS);
    a.add(h(1, 2, 1), hex('0102'), 0);
    expect(a.expire(500)).toEqual([]);
    expect(a.expire(1001)).toEqual([{ reason: 'subpackage_timeout', detail: expect.stringContaining('1/2') }]);
    expect(a.bytesHeld).toBe(0);
    expect(a.openMessages).toBe(0);
  });
});
