import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@rescue/config';
import { Observable } from 'rxjs';
import { Gauge, Registry } from 'prom-client';
import { APP_CONFIG } from '../config.module';
import { refusalCounter } from '../http-limits/refusals';

/** Bounds of GET /units/stream: concurrent clients (503 beyond) and how long a client may stall. */
@Injectable()
export class SseLimits {
  private open = 0;
  private readonly clients: Gauge;
  private readonly refused;

  constructor(@Inject(APP_CONFIG) private readonly cfg: AppConfig, @Inject(Registry) registry: Registry) {
    this.refused = refusalCounter(registry);
    this.clients = new Gauge({ name: 'rc_sse_clients', help: 'Open GET /units/stream connections', registers: [registry] });
  }

  get stallMs(): number {
    return this.cfg.sseStallTimeoutS * 1000;
  }

  /**
   * Wraps a stream's events: counts the client while Nest is subscribed, and refuses one beyond the cap
   * with 503. Checked at subscription, which comes before the SSE headers, so the refusal is a plain
   * JSON error; and a client gone before Nest subscribes is never counted.
   */
  admit<T>(events: Observable<T>): Observable<T> {
    return new Observable<T>((sub) => {
      if (this.open >= this.cfg.sseMaxClients) {
        this.refused.inc({ reason: 'sse_full' });
        sub.error(new HttpException({ statusCode: 503, code: 'TOO_MANY_STREAMS', message: `${this.cfg.sseMaxClients} event streams are open (SSE_MAX_CLIENTS); retry later` }, HttpStatus.SERVICE_UNAVAILABLE));
        return undefined;
      }
      this.open++;
      this.clients.set(this.open);
      const inner = events.subscribe(sub);
      return () => {
        inner.unsubscribe();
        this.open--;
        this.clients.set(this.open);
      };
    });
  }

  stalled(): void {
    this.refused.inc({ reason: 'sse_stalled' });
  }
}
