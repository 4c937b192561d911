import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@rescue/config';
import { Observable } from 'rxjs';
import { Gauge, Registry } from 'prom-client';
import { APP_CONFIG } from '../config.module';
import { refusalCounter } from '../http-limits/refusals';
import { StreamSlots } from './stream-slots';

/**
 * Bounds of GET /units/stream: concurrent clients in all (503 beyond) and per API key (429 beyond), and
 * how long a client may stall.
 */
@Injectable()
export class SseLimits {
  private readonly slots: StreamSlots;
  private readonly clients: Gauge;
  private readonly refused;

  constructor(@Inject(APP_CONFIG) private readonly cfg: AppConfig, @Inject(Registry) registry: Registry) {
    this.slots = new StreamSlots(cfg.sseMaxClients, cfg.sseMaxClientsPerKey);
    this.refused = refusalCounter(registry);
    this.clients = new Gauge({ name: 'rc_sse_clients', help: 'Open GET /units/stream connections', registers: [registry] });
  }

  get stallMs(): number {
    return this.cfg.sseStallTimeoutS * 1000;
  }

  /**
   * Wraps a stream's events: counts the client (under its API key's name) while Nest is subscribed, and
   * refuses one beyond a cap. Checked at subscription, which comes before the SSE headers, so the refusal
   * is a plain JSON error; and a client gone before Nest subscribes is never counted.
   * Server full is 503 (capacity, like the other limits of the whole server); a key at its own cap is 429
   * (that caller's quota, like the per-key rate limit): it must close a stream, retrying will not help.
   */
  admit<T>(caller: string, events: Observable<T>): Observable<T> {
    return new Observable<T>((sub) => {
      const refusal = this.slots.take(caller);
      if (refusal === 'caller_full') {
        this.refused.inc({ reason: 'sse_key_full' });
        sub.error(new HttpException({ statusCode: 429, code: 'TOO_MANY_STREAMS_FOR_KEY', message: `this API key already has ${this.cfg.sseMaxClientsPerKey} event streams open (SSE_MAX_CLIENTS_PER_KEY); close one first` }, HttpStatus.TOO_MANY_REQUESTS));
        return undefined;
      }
      if (refusal === 'full') {
        this.refused.inc({ reason: 'sse_full' });
        sub.error(new HttpException({ statusCode: 503, code: 'TOO_MANY_STREAMS', message: `${this.cfg.sseMaxClients} event streams are open (SSE_MAX_CLIENTS); retry later` }, HttpStatus.SERVICE_UNAVAILABLE));
        return undefined;
      }
      this.clients.set(this.slots.open);
      const inner = events.subscribe(sub);
      return () => {
        inner.unsubscribe();
        this.slots.release(caller);
        this.clients.set(this.slots.open);
      };
    });
  }

  stalled(): void {
    this.refused.inc({ reason: 'sse_stalled' });
  }
}
