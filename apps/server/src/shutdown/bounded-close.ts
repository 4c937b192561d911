import type { Server } from 'node:http';

/** What is needed of an http or https server. */
type Closable = Pick<Server, 'closeIdleConnections' | 'closeAllConnections'>;

/** How long open requests (SSE streams, a stalled upload, a slow client) may keep a stopping server up. */
export const SHUTDOWN_GRACE_MS = 3000;

/**
 * Bounds how long the HTTP server's close() can wait on its connections. Node's close() ends idle
 * keep-alive sockets but waits for every connection with a request in progress; an SSE stream never
 * ends by itself, and a client that stalled mid-request would hold a stopping server forever. On the
 * first of `signals`: idle sockets now, then every connection after `graceMs`, so Nest's shutdown
 * (which waits for close()) finishes. The timer is unref'd: a server that closed sooner exits at once.
 */
export function boundShutdown(server: Closable, graceMs = SHUTDOWN_GRACE_MS, signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
  const begin = (): void => {
    for (const s of signals) process.off(s, begin);
    closeConnectionsAfter(server, graceMs);
  };
  // Before Nest's own listeners run app.close(); removed at the first signal, so Nest's re-raised
  // signal still ends the process.
  for (const s of signals) process.prependListener(s, begin);
}

/** Idle connections now, all of them after graceMs (the part of boundShutdown that needs no signal). */
export function closeConnectionsAfter(server: Closable, graceMs: number): NodeJS.Timeout {
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  timer.unref();
  return timer;
}
