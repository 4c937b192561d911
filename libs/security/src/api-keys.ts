import { createHash, randomBytes } from 'node:crypto';
import { isRole, ROLES, type Role } from './roles';

/**
 * API keys. The key file holds one key a line, `name role sha256-hex-of-key`, with `#` comments, so no
 * plaintext key sits on disk. Keys are 32 random bytes: a plain SHA-256 is enough against guessing
 * (no dictionary to attack), and the look-up is by hash in a map, so no comparison leaks timing.
 */
export interface ApiKeyEntry {
  name: string;
  role: Role;
  /** sha256 of the key, lower-case hex. */
  hash: string;
}

export class ApiKeyFileError extends Error {}

const NAME = /^[A-Za-z0-9_.@-]{1,64}$/;
const HEX64 = /^[0-9a-f]{64}$/;
/** Bytes of randomness in a generated key. */
const KEY_BYTES = 32;
export const KEY_PREFIX = 'rc_';

/** A new random key: `rc_` + 32 bytes base64url (43 characters). */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(KEY_BYTES).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** One line for the key file. */
export function keyFileLine(name: string, role: Role, key: string): string {
  if (!NAME.test(name)) throw new ApiKeyFileError(`key name ${JSON.stringify(name)}: expected 1-64 of A-Z a-z 0-9 _ . @ -`);
  return `${name} ${role} ${hashApiKey(key)}`;
}

/** Parses a key file; any malformed line, unknown role or repeated name/hash fails, naming the line. */
export function parseApiKeyFile(text: string, source = 'API key file'): ApiKeyEntry[] {
  const out: ApiKeyEntry[] = [];
  const names = new Set<string>();
  const hashes = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const at = `${source} line ${i + 1}`;
    const parts = line.split(/\s+/);
    if (parts.length !== 3) throw new ApiKeyFileError(`${at}: expected "name role sha256-hex", got ${parts.length} field(s)`);
    const [name, role, hash] = parts as [string, string, string];
    if (!NAME.test(name)) throw new ApiKeyFileError(`${at}: name ${JSON.stringify(name)}: expected 1-64 of A-Z a-z 0-9 _ . @ -`);
    if (!isRole(role)) throw new ApiKeyFileError(`${at}: role ${JSON.stringify(role)}: expected one of ${ROLES.join(', ')}`);
    const h = hash.toLowerCase();
    if (!HEX64.test(h)) throw new ApiKeyFileError(`${at}: the third field must be the 64-hex-digit sha256 of the key (never the key itself)`);
    if (names.has(name)) throw new ApiKeyFileError(`${at}: name ${name} appears twice`);
    if (hashes.has(h)) throw new ApiKeyFileError(`${at}: the same key hash appears twice`);
    names.add(name);
    hashes.add(h);
    out.push({ name, role, hash: h });
  });
  return out;
}

/** The known keys, looked up by the hash of what a caller sent. */
export class ApiKeyRing {
  private readonly byHash: Map<string, ApiKeyEntry>;

  constructor(entries: readonly ApiKeyEntry[]) {
    this.byHash = new Map(entries.map((e) => [e.hash, e]));
  }

  get size(): number {
    return this.byHash.size;
  }

  /** The key's entry, or null for an unknown key. */
  find(key: string): ApiKeyEntry | null {
    // Bounded: a real key is 46 characters; hashing megabytes of header would only cost time.
    if (key.length === 0 || key.length > 256) return null;
    return this.byHash.get(hashApiKey(key)) ?? null;
  }
}
