import { Observable, type Subscription } from 'rxjs';

/** The part of the HTTP response the slow-client logic looks at (a ServerResponse in the app). */
export interface SseSink {
  readonly writableNeedDrain: boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
  destroy(): unknown;
}

/**
 * Events for a client that may read slower than they come. While its socket takes them they pass as
 * they are; once it is backed up, only the latest event per key (per unit) waits, so what waits is at
 * most one event per unit, however long the client lags, and it gets the current picture when it
 * catches up. A client backed up for longer than `stallMs` is disconnected (`onStall`): an EventSource
 * reconnects and starts again from a snapshot.
 */
export function latestPerKeyWhenBackedUp<T>(source: Observable<T>, keyOf: (e: T) => string, sink: SseSink, stallMs: number, onStall: () => void): Observable<T> {
  return new Observable<T>((sub) => {
    const waiting = new Map<string, T>();
    let stallTimer: NodeJS.Timeout | null = null;
    let drainArmed = false;
    const flush = (): void => {
      drainArmed = false;
      for (const [k, e] of waiting) {
        if (sink.writableNeedDrain) break;
        waiting.delete(k);
        sub.next(e);
      }
      if (waiting.size === 0) {
        if (stallTimer) clearTimeout(stallTimer);
        stallTimer = null;
      } else wait();
    };
    // Nest writes through a transform stream, so the response may learn of a write a tick later:
    // flush on drain, and also soon after, in case the events got there before the backlog.
    const onDrain = (): void => void setImmediate(flush);
    const wait = (): void => {
      if (!drainArmed) {
        drainArmed = true;
        sink.once('drain', onDrain);
        setTimeout(() => drainArmed && !sink.writableNeedDrain && (sink.off('drain', onDrain), flush()), 50).unref();
      }
      stallTimer ??= setTimeout(() => {
        stallTimer = null;
        if (waiting.size > 0 && sink.writableNeedDrain) {
          onStall();
          sink.destroy();
        }
      }, stallMs);
    };
    const inner: Subscription = source.subscribe({
      next: (e) => {
        if (waiting.size === 0 && !sink.writableNeedDrain) return sub.next(e);
        const k = keyOf(e);
        waiting.delete(k); // re-inserted last: the order of waiting events follows their latest change
        waiting.set(k, e);
        wait();
      },
      error: (err: unknown) => sub.error(err),
      complete: () => sub.complete(),
    });
    return () => {
      inner.unsubscribe();
      if (stallTimer) clearTimeout(stallTimer);
      sink.off('drain', onDrain);
      waiting.clear();
    };
  });
}
