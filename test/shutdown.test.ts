import { connect, type Socket } from 'node:net';
import { type ServerProcess, startServer } from './support/server-process';

/**
 * SIGTERM with connections that never end by themselves: an open SSE stream (a console) and a client
 * stalled mid-request. The server must still exit, a few seconds after the signal (SHUTDOWN_GRACE_MS 3 s).
 */
describe('shutdown with open connections', () => {
  let srv: ServerProcess | null = null;
  afterAll(async () => {
    await srv?.stop(true).catch(() => undefined);
  });

  it('an open SSE stream and a stalled upload do not hold the server after SIGTERM', async () => {
    srv = await startServer({ SIMULATOR: 'false', LOG_LEVEL: 'warn', HTTP_RATE_LIMIT_PER_S: '0' });
    const s = srv;
    const stream = await s.api('/units/stream');
    expect(stream.status).toBe(200);
    const reading = (async () => {
      for await (const _chunk of stream.body as unknown as AsyncIterable<Uint8Array>) void _chunk;
    })().catch(() => undefined);
    const url = new URL(s.url);
    const stalled: Socket = connect(Number(url.port), url.hostname);
    stalled.on('error', () => undefined);
    await new Promise<void>((r) => stalled.once('connect', () => r()));
    stalled.write('POST /admin/import/stations?format=csv HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\nid,name\n');
    await new Promise((r) => setTimeout(r, 500));

    const t0 = Date.now();
    const exited = await Promise.race([s.stop(true).then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 30_000))]);
    const ms = Date.now() - t0;
    srv = exited ? null : srv;
    expect(exited).toBe(true);
    expect(ms).toBeLessThan(20_000);
    await reading; // the stream ended with the server
    stalled.destroy();
  });
});
