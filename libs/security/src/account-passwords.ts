import { randomBytes, randomInt, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';

/**
 * Passwords of people's accounts (not units': those are random and live in device-credentials.ts).
 * Hashed with scrypt, memory-hard and built into node (no native add-on, no install script), at one of
 * OWASP's equivalent settings, N=2^15 r=8 p=3: 32 MiB per hash (1.3-2.2 s each measured on the shared
 * 2-core development host under load average ~12, 2026-12-07 22:20 UTC; less on an idle core). The parameters
 * are part of each stored value, `scrypt$<logN>$<r>$<p>$<salt b64>$<key b64>`, so they can be raised
 * later without invalidating older hashes.
 */
export interface ScryptParams {
  logN: number;
  r: number;
  p: number;
}

export const ACCOUNT_SCRYPT: ScryptParams = { logN: 15, r: 8, p: 3 };
const KEY_LEN = 32;
const SALT_LEN = 16;
const STORED = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]{16,64})\$([A-Za-z0-9+/=]{16,128})$/;

function derive(password: string, salt: Buffer, p: ScryptParams, keyLen: number): Promise<Buffer> {
  const N = 2 ** p.logN;
  // node refuses above 32 MiB by default; allow what these parameters need, with headroom.
  const opts: ScryptOptions = { N, r: p.r, p: p.p, maxmem: 256 * N * p.r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashAccountPassword(password: string, params: ScryptParams = ACCOUNT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  const key = await derive(password, salt, params, KEY_LEN);
  return `scrypt$${params.logN}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** False for a wrong password and for a stored value that is not one of ours (never throws on it). */
export async function verifyAccountPassword(password: string, stored: string): Promise<boolean> {
  const m = STORED.exec(stored);
  if (!m) return false;
  const params = { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.logN < 10 || params.logN > 20 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const key = await derive(password, Buffer.from(m[4]!, 'base64'), params, expected.length);
  return timingSafeEqual(key, expected);
}

/** A stored value no password matches: the login of an unknown user costs the same as a real one. */
export const DUMMY_ACCOUNT_HASH = `scrypt$15$8$3$${Buffer.alloc(SALT_LEN).toString('base64')}$${Buffer.alloc(KEY_LEN).toString('base64')}`;

/** Longest password accepted (scrypt would take more, but a megabyte password is an attack, not a secret). */
export const ACCOUNT_PASSWORD_MAX = 128;
export const ACCOUNT_PASSWORD_MIN = 10;

/**
 * The complexity rule (GB/T 22239 level 2: passwords have complexity requirements): at least 10
 * characters, at most 128, three of four classes (lower case, upper case, digit, other), not
 * containing the username. null when the password passes, else what is wrong (Chinese first).
 */
export function accountPasswordProblem(password: string, username: string): string | null {
  if (password.length < ACCOUNT_PASSWORD_MIN) return `密码至少 ${ACCOUNT_PASSWORD_MIN} 个字符 / at least ${ACCOUNT_PASSWORD_MIN} characters`;
  if (password.length > ACCOUNT_PASSWORD_MAX) return `密码最多 ${ACCOUNT_PASSWORD_MAX} 个字符 / at most ${ACCOUNT_PASSWORD_MAX} characters`;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) return '密码须包含小写字母、大写字母、数字、符号中的至少三类 / use at least three of: lower case, upper case, digits, symbols';
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) return '密码不得包含用户名 / must not contain the username';
  return null;
}

const ALPHABET = { lower: 'abcdefghijkmnpqrstuvwxyz', upper: 'ABCDEFGHJKLMNPQRSTUVWXYZ', digit: '23456789', symbol: '-_.!@#%+=' };

/** A random initial or reset password (16 characters, every class, no look-alike characters); it must be changed at first login. */
export function generateAccountPassword(): string {
  const all = Object.values(ALPHABET).join('');
  const chars = Object.values(ALPHABET).map((set) => set[randomInt(set.length)]!);
  while (chars.length < 16) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** Usernames: 2-64 of lower-case letters, digits, `_ . @ -`, starting with a letter or digit. */
export const ACCOUNT_USERNAME = /^[a-z0-9][a-z0-9_.@-]{1,63}$/;
