import type { Request } from 'express';
import { ApiKeyRing, generateApiKey, hashApiKey } from '@rescue/security';
import { clientKey } from './http-limits';
import { jsonShapeProblem, JSON_MAX_DEPTH } from './json-shape';
import { RateLimiter } from './rate-limiter';

describe('per-client rate limit (token bucket)', () => {
  it('allows the burst, then the sustained rate, and says when to retry', () => {
    let now = 0;
    const rl = new RateLimiter(2, 5, 100, () => now);
    const burst = Array.from({ length: 7 }, () => rl.take('a').ok);
    expect(burst).toEqual([true, true, true, true, true, false, false]);
    expect(rl.take('a').retryAfterS).toBe(1);
    expect(rl.take('b').ok).toBe(true); // another client has its own bucket
    now += 1000; // 2 tokens back
    expect([rl.take('a').ok, rl.take('a').ok, rl.take('a').ok]).toEqual([true, true, false]);
  });

  it('keeps at most maxClients buckets, dropping the least recently seen', () => {
    const rl = new RateLimiter(1, 1, 3, () => 0);
    for (const c of ['a', 'b', 'c']) rl.take(c);
    rl.take('a'); // refused, but now the most recent
    rl.take('d'); // evicts b
    expect(rl.clients).toBe(3);
    expect(rl.take('a').ok).toBe(false); // a kept its empty bucket
    expect(rl.take('b').ok).toBe(true); // b came back with a full one
  });
});

describe('the client a request is charged to', () => {
  const key = generateApiKey();
  const ring = new ApiKeyRing([{ name: 'desk', role: 'dispatcher', hash: hashApiKey(key) }]);
  const req = (headers: Record<string, string>, query: Record<string, string> = {}): Request =>
    ({ headers, query, socket: { remoteAddress: '203.0.113.7' } }) as unknown as Request;

  it('is the key for a known key, however it is sent', () => {
    expect(clientKey(req({ authorization: `Bearer ${key}` }), ring)).toBe('key:desk');
    expect(clientKey(req({ 'x-api-key': key }), ring)).toBe('key:desk');
    expect(clientKey(req({}, { access_token: key }), ring)).toBe('key:desk');
  });

  it('is the address for no key or an unknown one: made-up keys do not each get a fresh bucket', () => {
    const made = [1, 2, 3].map(() => clientKey(req({ authorization: `Bearer ${generateApiKey()}` }), ring));
    expect(new Set([...made, clientKey(req({}), ring)])).toEqual(new Set(['ip:203.0.113.7']));
  });
});

describe('JSON body shape', () => {
  const nest = (depth: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
    return v;
  };
  it(`allows ${JSON_MAX_DEPTH} levels of nesting, refuses more, without recursion (100,000 levels)`, () => {
    expect(jsonShapeProblem(nest(JSON_MAX_DEPTH))).toBeNull();
    expect(jsonShapeProblem(nest(JSON_MAX_DEPTH + 1))).toMatch(/deeper than 32 levels/);
    expect(jsonShapeProblem(nest(100_000))).toMatch(/^body(\.a|\[0\])+: JSON nested deeper/);
  });
  it('refuses the NUL character in values and keys, naming where', () => {
    expect(jsonShapeProblem({ a: [1, { reason: 'x\u0000' }] })).toBe('body.a[1].reason: the NUL character (\\u0000) is not allowed in text');
    expect(jsonShapeProblem(JSON.parse('{"a\\u0000": 1}'))).toMatch(/in a key/);
    expect(jsonShapeProblem({ ok: 'fine ✓ 中文' })).toBeNull();
  });
});
