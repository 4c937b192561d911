import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { closeConnectionsAfter } from './bounded-close';

const closedByServer = new Set<Socket>();

/** A server with one endless response (an SSE stream) and one client stalled mid-request. */
async function busyServer(): Promise<{ server: Server; sockets: Socket[] }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(': open\n\n'); // and never ends
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const open = (first: string): Promise<Socket> =>
    new Promise((r) => {
      const s = connect(port, '127.0.0.1', () => {
        s.write(first);
        r(s);
      });
      s.on('error', () => undefined);
      s.on('close', () => closedByServer.add(s));
      s.resume(); // read what comes, so the server's end is seen
    });
  const sse = await open('GET /stream HTTP/1.1\r\nhost: x\r\n\r\n');
  await new Promise((r) => sse.once('data', r));
  const stalled = await open('POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\nabc');
  await new Promise((r) => setTimeout(r, 50));
  return { server, sockets: [sse, stalled] };
}

describe('bounded shutdown', () => {
  it('an endless stream and a stalled request no longer hold close(): all connections end after the grace', async () => {
    const { server, sockets } = await busyServer();
    const t0 = Date.now();
    const closed = new Promise<void>((r) => server.close(() => r()));
    closeConnectionsAfter(server, 200);
    await closed;
    const ms = Date.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(150);
    expect(ms).toBeLessThan(5000);
    await new Promise((r) => setTimeout(r, 50));
    for (const s of sockets) expect(closedByServer.has(s)).toBe(true);
  });

  it('without it, close() is still waiting on them (what the bound is for)', async () => {
    const { server, sockets } = await busyServer();
    let done = false;
    server.close(() => (done = true));
    await new Promise((r) => setTimeout(r, 400));
    expect(done).toBe(false);
    for (const s of sockets) expect(closedByServer.has(s)).toBe(false);
    server.closeAllConnections();
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(true);
    for (const s of sockets) s.destroy();
  });
});
