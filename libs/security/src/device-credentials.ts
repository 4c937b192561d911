import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/**
 * MQTT passwords and their stored form.
 *
 * The stored form is Mosquitto 2's password-file hash, `$7$<iterations>$<base64 salt>$<base64 hash>`
 * (PBKDF2-HMAC-SHA512, 64-byte key, salt = the base64-decoded bytes, which Mosquitto 2.0 requires to
 * be exactly 12): so `npm run units -- mosquitto` writes the SAME stored hash into a password_file,
 * without ever knowing the password, and test/mosquitto-acl.test.ts proves the real broker accepts it.
 *
 * The 12 salt bytes are themselves printable (base64url characters, 72 bits of randomness: a salt needs
 * to be unique, not secret): EMQX's PostgreSQL authenticator takes the salt as a text column and uses
 * its bytes as is, so the same row serves EMQX too (docs/security.md).
 *
 * Iterations: 101, Mosquitto's own default. Iterations slow down guessing of low-entropy human
 * passwords; ours are generated, 192 random bits, beyond any guessing at any iteration count. The
 * cost is paid on every connect, by Mosquitto on its single event-loop thread: a reconnect storm of
 * 10,000 terminals costs ~0.5 s of broker CPU at 101 iterations and ~50 s at 10,000. Stored hashes
 * carry their iteration count, so a different count can be introduced later without breaking old ones.
 */
export const PBKDF2_ITERATIONS = 101;
const KEY_BYTES = 64;
const SALT_CHARS = 12;
/** Hashes with more iterations than this are refused: a stored value must not be able to stall us. */
const MAX_ITERATIONS = 1_000_000;
const PASSWORD_BYTES = 24;

/** A new random password: 24 bytes (192 bits) as 32 base64url characters, safe in URLs and shells. */
export function generatePassword(): string {
  return randomBytes(PASSWORD_BYTES).toString('base64url');
}

function newSalt(): Buffer {
  return Buffer.from(randomBytes(SALT_CHARS).toString('base64url').slice(0, SALT_CHARS), 'ascii');
}

/** PBKDF2 runs on libuv's thread pool, not the event loop. */
export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS, salt: Buffer = newSalt()): Promise<string> {
  if (salt.length !== SALT_CHARS) throw new Error(`salt must be ${SALT_CHARS} bytes (Mosquitto 2.0 refuses others)`);
  const key = await pbkdf2Async(password, salt, iterations, KEY_BYTES, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export interface ParsedHash {
  iterations: number;
  salt: Buffer;
  key: Buffer;
}

const HASH_FORMAT = /^\$7\$([1-9][0-9]{0,6})\$([A-Za-z0-9+/]{16})\$([A-Za-z0-9+/]{86}==)$/;

/** The parts of a stored `$7$` hash, or null when it is not one we can verify. */
export function parseHash(stored: string): ParsedHash | null {
  const m = HASH_FORMAT.exec(stored);
  if (!m) return null;
  const iterations = Number(m[1]);
  if (iterations > MAX_ITERATIONS) return null;
  const salt = Buffer.from(m[2]!, 'base64');
  const key = Buffer.from(m[3]!, 'base64');
  if (salt.length !== SALT_CHARS || key.length !== KEY_BYTES) return null;
  return { iterations, salt, key };
}

/** Constant-time check of a password against a stored hash; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await pbkdf2Async(password, parsed.salt, parsed.iterations, KEY_BYTES, 'sha512');
  return timingSafeEqual(key, parsed.key);
}
