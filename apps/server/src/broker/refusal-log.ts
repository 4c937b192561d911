import type { Logger } from 'pino';

const WINDOW_MS = 10_000;

/**
 * Logs refused MQTT operations without letting a misbehaving client flood the log: per (action,
 * reason), the first refusal in a 10-s window is logged in full, the rest are counted and the count
 * is logged with the next one after the window. The metric counts every refusal.
 */
export class RefusalLog {
  private readonly windows = new Map<string, { until: number; suppressed: number }>();

  constructor(private readonly log: Logger | null) {}

  note(action: string, reason: string, fields: Record<string, unknown>, now = Date.now()): void {
    if (!this.log) return;
    const key = `${action}/${reason}`;
    const w = this.windows.get(key);
    if (w && now < w.until) {
      w.suppressed++;
      return;
    }
    const suppressed = w?.suppressed ?? 0;
    this.windows.set(key, { until: now + WINDOW_MS, suppressed: 0 });
    this.log.warn({ action, reason, ...fields, ...(suppressed > 0 ? { suppressedSinceLast: suppressed } : {}) }, `mqtt ${action} refused: ${reason}`);
  }
}
