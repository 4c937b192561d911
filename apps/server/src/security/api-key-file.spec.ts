import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@rescue/config';
import { generateApiKey, keyFileLine } from '@rescue/security';
import { loadApiKeys } from './api-key-file';

describe('loadApiKeys', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rc-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('embedded demo: creates one admin key (0600), keeps it to print, and gives the same one on the next start', () => {
    const first = loadApiKeys({ apiKeysFile: null, dataDir: dir, embeddedDemo: true });
    expect(first.created).toBe(true);
    expect(first.demoAdminKey).toMatch(/^rc_/);
    expect(first.ring.find(first.demoAdminKey!)?.role).toBe('admin');
    expect(readFileSync(join(dir, 'api-keys'), 'utf8')).not.toContain(first.demoAdminKey!);
    expect(statSync(join(dir, 'api-keys')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'admin-api-key')).mode & 0o777).toBe(0o600);
    const again = loadApiKeys({ apiKeysFile: null, dataDir: dir, embeddedDemo: true });
    expect(again).toMatchObject({ created: false, demoAdminKey: first.demoAdminKey });
  });

  it('production: never invents or reveals a key; the file starts empty and every call is refused until one is added', () => {
    const k = loadApiKeys({ apiKeysFile: null, dataDir: dir, embeddedDemo: false });
    expect(k).toMatchObject({ created: true, demoAdminKey: null });
    expect(k.ring.size).toBe(0);
    expect(existsSync(join(dir, 'admin-api-key'))).toBe(false);
    expect(statSync(k.file).mode & 0o777).toBe(0o600);
  });

  it('production with a demo key left in the data directory still prints nothing', () => {
    const demo = loadApiKeys({ apiKeysFile: null, dataDir: dir, embeddedDemo: true });
    expect(demo.demoAdminKey).not.toBeNull();
    expect(loadApiKeys({ apiKeysFile: null, dataDir: dir, embeddedDemo: false }).demoAdminKey).toBeNull();
  });

  it('API_KEYS_FILE: reads it as is and creates nothing', () => {
    const file = join(dir, 'keys');
    const key = generateApiKey();
    writeFileSync(file, `${keyFileLine('desk', 'dispatcher', key)}\n`);
    const k = loadApiKeys({ apiKeysFile: file, dataDir: dir, embeddedDemo: true });
    expect(k).toMatchObject({ created: false, demoAdminKey: null, file });
    expect(k.ring.find(key)?.name).toBe('desk');
    expect(existsSync(join(dir, 'api-keys'))).toBe(false);
  });

  it('a missing or malformed API_KEYS_FILE is a ConfigError naming the file and line', () => {
    expect(() => loadApiKeys({ apiKeysFile: join(dir, 'nope'), dataDir: dir, embeddedDemo: false })).toThrow(ConfigError);
    const file = join(dir, 'keys');
    writeFileSync(file, 'desk dispatcher rc_plaintext\n');
    expect(() => loadApiKeys({ apiKeysFile: file, dataDir: dir, embeddedDemo: false })).toThrow(/keys line 1: the third field/);
  });
});
