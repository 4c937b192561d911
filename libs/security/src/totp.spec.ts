import { generateTotpSecret, matchTotp, TOTP_ISSUER, totpCode, totpStep, totpUri } from './totp';

/** RFC 4648 base32, written out here so the vectors do not go through the library under test. */
function base32(ascii: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of Buffer.from(ascii, 'latin1')) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out;
}

describe('TOTP (RFC 6238)', () => {
  // RFC 6238 appendix B: the seeds are "12345678901234567890" repeated to 20, 32 and 64 bytes; 8 digits.
  const seeds = {
    SHA1: base32('12345678901234567890'),
    SHA256: base32('12345678901234567890123456789012'),
    SHA512: base32('1234567890123456789012345678901234567890123456789012345678901234'),
  } as const;
  const vectors: Array<[number, string, string, string]> = [
    // time (s), SHA1, SHA256, SHA512
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];

  it('the base32 helper encodes as RFC 4648 does', () => {
    expect(base32('12345678901234567890')).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  it.each(vectors)('at T=%i s gives the published codes for SHA-1, SHA-256 and SHA-512', (t, sha1, sha256, sha512) => {
    expect(totpCode(seeds.SHA1, t * 1000, { algorithm: 'SHA1', digits: 8 })).toBe(sha1);
    expect(totpCode(seeds.SHA256, t * 1000, { algorithm: 'SHA256', digits: 8 })).toBe(sha256);
    expect(totpCode(seeds.SHA512, t * 1000, { algorithm: 'SHA512', digits: 8 })).toBe(sha512);
  });

  it('logins use 6 digits: the last six of the SHA-1 vector', () => {
    for (const [t, sha1] of vectors) expect(totpCode(seeds.SHA1, t * 1000)).toBe(sha1.slice(2));
  });

  it('matches a code within one step either side and says which step; refuses others', () => {
    const secret = generateTotpSecret();
    const now = 1_800_000_000_000;
    const step = totpStep(now);
    expect(matchTotp(secret, totpCode(secret, now), now)).toBe(step);
    expect(matchTotp(secret, totpCode(secret, now - 30_000), now)).toBe(step - 1);
    expect(matchTotp(secret, totpCode(secret, now + 30_000), now)).toBe(step + 1);
    expect(matchTotp(secret, totpCode(secret, now - 90_000), now)).toBeNull();
    expect(matchTotp(secret, 'abcdef', now)).toBeNull();
    expect(matchTotp(secret, '1234567', now)).toBeNull();
    const code = totpCode(secret, now);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(matchTotp(secret, wrong, now)).toBeNull();
  });

  it('makes 160-bit secrets and an otpauth:// URI that authenticator apps read', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(generateTotpSecret()).not.toBe(secret);
    const uri = new URL(totpUri(secret, 'zhang.wei'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe(`/${TOTP_ISSUER}:zhang.wei`);
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret, issuer: TOTP_ISSUER, algorithm: 'SHA1', digits: '6', period: '30' });
  });
});
