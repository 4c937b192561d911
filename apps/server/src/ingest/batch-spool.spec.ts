import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchSpool } from './batch-spool';

describe('BatchSpool', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rc-spool-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replays batches oldest first, also after reopening (a restart)', () => {
    const a = new BatchSpool<{ n: number }>(dir, 1 << 20);
    expect(a.append({ n: 1 })).toBe(true);
    expect(a.append({ n: 2 })).toBe(true);
    const b = new BatchSpool<{ n: number }>(dir, 1 << 20);
    expect(b.batches).toBe(2);
    expect(b.peek()).toEqual({ n: 1 });
    b.shift();
    expect(b.append({ n: 3 })).toBe(true); // numbering continues after the reopened files
    expect(b.peek()).toEqual({ n: 2 });
    b.shift();
    expect(b.peek()).toEqual({ n: 3 });
    b.shift();
    expect(b.empty).toBe(true);
    expect(b.sizeBytes).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a batch beyond its byte bound and writes nothing for it', () => {
    const s = new BatchSpool<string>(dir, 40);
    expect(s.append('x'.repeat(20))).toBe(true);
    expect(s.append('y'.repeat(20))).toBe(false);
    expect(s.batches).toBe(1);
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('drops a half-written file left by a crash', () => {
    writeFileSync(join(dir, '000000000007.batch.tmp'), '{"trunc');
    const s = new BatchSpool<unknown>(dir, 1 << 20);
    expect(s.empty).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });
});
