import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminApi, adminApiAt, CliError, refusalText } from './admin-api';

/** A stand-in admin API: answers by path, records what it was sent. */
let server: Server;
let base: string;
let seen: Array<{ method: string; url: string; auth: string | undefined; type: string | undefined; body: string }>;
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, type: req.headers['content-type'], body });
      const [status, payload] = req.url === '/refused' ? [403, { code: 'FORBIDDEN' }] : req.url === '/bad' ? [400, { code: 'BAD_INPUT', message: 'kind: one of stations, units' }] : [200, { ok: 1 }];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => (seen = []));
afterAll(() => new Promise((r) => server.close(r)));

describe('admin API client of the CLIs', () => {
  it('sends the key as a bearer token and JSON bodies as JSON; returns status and parsed body', async () => {
    const r = await adminApiAt(base, 'k-1').call('PUT', '/admin/units/A1/jt808', { json: { phone: '13800138000' } });
    expect(r).toEqual({ status: 200, ok: true, body: { ok: 1 } });
    expect(seen).toEqual([{ method: 'PUT', url: '/admin/units/A1/jt808', auth: 'Bearer k-1', type: 'application/json', body: '{"phone":"13800138000"}' }]);
  });

  it('a refusal other than the key is returned with the server reason for the caller to word', async () => {
    const r = await adminApiAt(base, 'k').call('GET', '/bad');
    expect(r.ok).toBe(false);
    expect(refusalText(r)).toBe('kind: one of stations, units');
  });

  it('a refused key and an unreachable server are CliErrors that say what to set', async () => {
    await expect(adminApiAt(base, 'wrong').call('GET', '/refused')).rejects.toThrow(new CliError('the server refused the request (HTTP 403): set RC_API_KEY to an admin key'));
    const gone = await new Promise<string>((r) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
        s.close(() => r(url));
      });
    });
    const err = await adminApiAt(gone, 'k').call('GET', '/units').catch((e: Error) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toMatch(new RegExp(`^cannot reach the server at ${gone} \\(.*ECONNREFUSED.*\\); is it running\\? set RC_API_URL, or DATABASE_URL`));
  });

  it('RC_API_URL and RC_API_KEY first; else the port of the config and the demo key in DATA_DIR', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rc-cli-'));
    writeFileSync(join(dataDir, 'admin-api-key'), 'demo-key\n');
    const port = Number(new URL(base).port);
    await adminApi({ httpPort: port, dataDir }, {}).call('GET', '/units');
    await adminApi({ httpPort: 1, dataDir }, { RC_API_URL: base, RC_API_KEY: 'env-key' }).call('GET', '/units');
    expect(seen.map((s) => s.auth)).toEqual(['Bearer demo-key', 'Bearer env-key']);
    expect(adminApi({ httpPort: 3443, dataDir, tlsCertFile: '/etc/cert.pem' }, {}).base).toBe('https://127.0.0.1:3443');
  });
});
