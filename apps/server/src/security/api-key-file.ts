import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, type AppConfig } from '@rescue/config';
import { ApiKeyFileError, ApiKeyRing, generateApiKey, keyFileLine, parseApiKeyFile } from '@rescue/security';

export interface LoadedApiKeys {
  ring: ApiKeyRing;
  /** The file the keys came from. */
  file: string;
  /** True when this start created the file (first start without API_KEYS_FILE). */
  created: boolean;
  /** Embedded demo only: the plaintext admin key, to print with the console link. Never in production. */
  demoAdminKey: string | null;
}

export const DEFAULT_KEY_FILE = 'api-keys';
/** Embedded demo only: the generated admin key in plaintext, so the demo can print it on every start. */
export const DEMO_ADMIN_KEY_FILE = 'admin-api-key';

/**
 * Reads the API key file (API_KEYS_FILE), or without one `<DATA_DIR>/api-keys`, created (mode 0600) on
 * the first start: in the embedded demo with one generated admin key, otherwise empty (every call but
 * the public ones is refused until an operator adds a key). A malformed line is a ConfigError naming it.
 */
export function loadApiKeys(cfg: Pick<AppConfig, 'apiKeysFile' | 'dataDir' | 'embeddedDemo'>): LoadedApiKeys {
  const file = cfg.apiKeysFile ?? join(cfg.dataDir, DEFAULT_KEY_FILE);
  const demoFile = join(cfg.dataDir, DEMO_ADMIN_KEY_FILE);
  let created = false;
  if (cfg.apiKeysFile === null && !existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const header = '# rescue-circle API keys, one a line: name role sha256-hex-of-key\n# add one with: npm run api-key -- add <name> <admin|dispatcher|planner|viewer> --file <this file>\n';
    if (cfg.embeddedDemo) {
      // The demo must be usable at once: one admin key, kept in plaintext beside it to print it again.
      const key = generateApiKey();
      writeFileSync(file, `${header}${keyFileLine('admin', 'admin', key)}\n`, { mode: 0o600, flag: 'wx' });
      writeFileSync(demoFile, `${key}\n`, { mode: 0o600 });
    } else {
      // A production server never invents a key nobody could read: it starts locked until one is added.
      writeFileSync(file, header, { mode: 0o600, flag: 'wx' });
    }
    created = true;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`API_KEYS_FILE ${file}: ${(e as Error).message}`);
  }
  let ring: ApiKeyRing;
  try {
    ring = new ApiKeyRing(parseApiKeyFile(text, file));
  } catch (e) {
    if (e instanceof ApiKeyFileError) throw new ConfigError(e.message);
    throw e;
  }
  return { ring, file, created, demoAdminKey: cfg.embeddedDemo ? demoKey(demoFile, ring) : null };
}

/** The stored demo key, if it is still one of the file's admin keys. */
function demoKey(path: string, ring: ApiKeyRing): string | null {
  if (!existsSync(path)) return null;
  const key = readFileSync(path, 'utf8').trim();
  if (ring.find(key)?.role !== 'admin') return null;
  // Kept private even if an older run or a copy loosened it.
  chmodSync(path, 0o600);
  return key;
}
