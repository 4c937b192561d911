/**
 * Waiters for relayed messages to become durable, by receipt. The embedded ingest resolves them after
 * the batch holding the message is committed (or spooled); a waiter not resolved in time is rejected,
 * so the terminal gets no 0x8001 and sends again (the duplicate is absorbed by the (unit_id, ts) key).
 */
export class DurableReceipts {
  private readonly waiting = new Map<string, { resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private seq = 0;

  constructor(
    private readonly prefix: string,
    private readonly timeoutMs: number,
  ) {}

  get pending(): number {
    return this.waiting.size;
  }

  /** A fresh receipt and the promise of its durability. */
  next(): { receipt: string; durable: Promise<void> } {
    const receipt = `${this.prefix}${(this.seq++).toString(36)}`;
    const durable = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(receipt);
        reject(new Error(`not durable within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      timer.unref();
      this.waiting.set(receipt, { resolve, reject, timer });
    });
    durable.catch(() => undefined); // a caller that stopped caring must not leave an unhandled rejection
    return { receipt, durable };
  }

  /** Called with the receipts of a durable batch; receipts of other gateways are ignored. */
  settle(receipts: readonly string[]): void {
    for (const r of receipts) {
      const w = this.waiting.get(r);
      if (!w) continue;
      clearTimeout(w.timer);
      this.waiting.delete(r);
      w.resolve();
    }
  }

  /** Rejects every waiter (shutdown). */
  failAll(reason: string): void {
    for (const [r, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(new Error(reason));
      this.waiting.delete(r);
    }
  }
}
