import { pbkdf2Sync } from 'node:crypto';
import { generatePassword, hashPassword, parseHash, PBKDF2_ITERATIONS, verifyPassword } from './device-credentials';

describe('device credentials', () => {
  it('generates distinct 192-bit passwords in URL-safe characters', () => {
    const a = generatePassword();
    const b = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(24);
    expect(a).not.toBe(b);
  });

  it('stores Mosquitto 2 $7$ hashes: PBKDF2-SHA512 over the decoded 12-byte salt, 64-byte key', async () => {
    const stored = await hashPassword('s3cret');
    const m = /^\$7\$(\d+)\$([^$]+)\$([^$]+)$/.exec(stored)!;
    expect(Number(m[1])).toBe(PBKDF2_ITERATIONS);
    const salt = Buffer.from(m[2]!, 'base64');
    expect(salt).toHaveLength(12);
    expect(salt.toString('ascii')).toMatch(/^[A-Za-z0-9_-]{12}$/); // printable: EMQX reads it as text
    expect(m[3]).toBe(pbkdf2Sync('s3cret', salt, PBKDF2_ITERATIONS, 64, 'sha512').toString('base64'));
  });

  it('verifies a hash written by mosquitto_passwd 2.0.11 (fixed vector), and refuses a wrong password', async () => {
    // `mosquitto_passwd -b pw alice secret` on this machine
    const fromMosquitto = '$7$101$11PTHGzdUZgupzXO$tQJiGMj/PaH+H89y+5P12PZYD0gDSWtc6UGvy140U52g1ZhphsJy6HdJ6Rd1xIRyoQ4RjNu5s3daF+MrYLIxBw==';
    expect(await verifyPassword('secret', fromMosquitto)).toBe(true);
    expect(await verifyPassword('Secret', fromMosquitto)).toBe(false);
  });

  it('round trip at another iteration count; salts differ', async () => {
    const a = await hashPassword('pw', 1000);
    const b = await hashPassword('pw', 1000);
    expect(a).not.toBe(b);
    expect(await verifyPassword('pw', a)).toBe(true);
    expect(await verifyPassword('pw2', a)).toBe(false);
  });

  it('refuses malformed or hostile stored values instead of throwing', async () => {
    const good = await hashPassword('pw');
    for (const bad of ['', 'pw', good.replace('$7$', '$6$'), good.slice(0, -4), good.replace(/^\$7\$101/, '$7$0'), good.replace(/^\$7\$101/, '$7$9999999')]) {
      expect(parseHash(bad)).toBeNull();
      expect(await verifyPassword('pw', bad)).toBe(false);
    }
    await expect(hashPassword('pw', 101, Buffer.alloc(16))).rejects.toThrow(/12 bytes/);
  });
});
