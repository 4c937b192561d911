// npm run api-key -- add <name> <admin|dispatcher|planner|viewer> [--file F] | list [--file F]
// Adds an API key to the key file (only its sha256 is written) and prints the key once; or lists
// names and roles. Default file: API_KEYS_FILE, else <DATA_DIR>/api-keys. The server reads the file
// at start-up: restart it after adding a key.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@rescue/config';
import { ApiKeyFileError, generateApiKey, isRole, keyFileLine, parseApiKeyFile, ROLES } from '@rescue/security';

function usage(): never {
  process.stderr.write(`usage: npm run api-key -- add <name> <${ROLES.join('|')}> [--file F]\n       npm run api-key -- list [--file F]\n`);
  process.exit(2);
}

function fail(message: string): never {
  process.stderr.write(`api-key: ${message}\n`);
  process.exit(1);
}

function main(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf('--file');
  let file: string | undefined;
  if (at >= 0) {
    file = args[at + 1];
    if (!file) usage();
    args.splice(at, 2);
  }
  if (file === undefined) {
    const cfg = loadConfig();
    file = cfg.apiKeysFile ?? join(cfg.dataDir, 'api-keys');
  }
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const entries = parseApiKeyFile(existing, file);
  const [cmd, name, role] = args;
  if (cmd === 'list' && args.length === 1) {
    process.stdout.write(entries.map((e) => `${e.name}\t${e.role}`).join('\n') + (entries.length ? '\n' : `(no keys in ${file})\n`));
    return;
  }
  if (cmd !== 'add' || !name || !role || args.length !== 3) usage();
  if (!isRole(role)) fail(`role ${JSON.stringify(role)}: expected one of ${ROLES.join(', ')}`);
  if (entries.some((e) => e.name === name)) fail(`${file} already has a key named ${name}`);
  const key = generateApiKey();
  const line = keyFileLine(name, role, key);
  if (!existsSync(file)) writeFileSync(file, '', { mode: 0o600 });
  appendFileSync(file, `${existing === '' || existing.endsWith('\n') ? '' : '\n'}${line}\n`);
  process.stdout.write(`added ${name} (${role}) to ${file}; restart the server to use it.\nkey (shown once, keep it safe): ${key}\n`);
}

try {
  main();
} catch (e) {
  if (e instanceof ApiKeyFileError || e instanceof ConfigError) fail(e.message);
  throw e;
}
