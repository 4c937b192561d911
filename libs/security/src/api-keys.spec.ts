import { ApiKeyFileError, ApiKeyRing, generateApiKey, hashApiKey, keyFileLine, parseApiKeyFile } from './api-keys';

describe('API keys', () => {
  it('generates distinct high-entropy keys', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a).toMatch(/^rc_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('hashes with sha256 (known vector)', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('parses the file it writes, with comments and blank lines', () => {
    const k1 = generateApiKey();
    const k2 = generateApiKey();
    const text = `# keys\n\n${keyFileLine('ops-admin', 'admin', k1)}   # the first\n${keyFileLine('desk-1', 'dispatcher', k2)}\n`;
    const entries = parseApiKeyFile(text);
    expect(entries.map((e) => [e.name, e.role])).toEqual([['ops-admin', 'admin'], ['desk-1', 'dispatcher']]);
    const ring = new ApiKeyRing(entries);
    expect(ring.find(k2)?.name).toBe('desk-1');
    expect(ring.find(k1)?.role).toBe('admin');
    expect(ring.find(generateApiKey())).toBeNull();
    expect(ring.find('')).toBeNull();
    expect(ring.find('x'.repeat(10_000))).toBeNull();
  });

  it.each([
    ['admin-only admin', /line 2: expected "name role sha256-hex", got 2/],
    [`a superuser ${'a'.repeat(64)}`, /line 2: role "superuser"/],
    ['a admin rc_plaintextkey', /line 2: the third field must be the 64-hex-digit sha256/],
    [`bad/name viewer ${'a'.repeat(64)}`, /line 2: name "bad\/name"/],
    [`x viewer ${'a'.repeat(64)}\nx viewer ${'b'.repeat(64)}`, /line 3: name x appears twice/],
    [`x viewer ${'a'.repeat(64)}\ny viewer ${'A'.repeat(64)}`, /line 3: the same key hash appears twice/],
  ])('refuses %j naming the line', (body, message) => {
    const text = `# header\n${body}\n`;
    expect(() => parseApiKeyFile(text, 'keys.txt')).toThrow(ApiKeyFileError);
    expect(() => parseApiKeyFile(text, 'keys.txt')).toThrow(message);
  });

  it('refuses a name the file could not hold', () => {
    expect(() => keyFileLine('two words', 'viewer', 'k')).toThrow(ApiKeyFileError);
  });
});
