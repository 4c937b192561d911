/** Why a stream was refused a slot: the server is full, or this caller already holds its share. */
export type SlotRefusal = 'full' | 'caller_full';

/**
 * Counts open streams, in total and per caller (API key name), against two caps. The per-caller cap
 * keeps one key (a viewer's, a leaked one, a console stuck reconnecting) from taking every slot and
 * locking the dispatch consoles out. Plain TS so it is tested without Nest.
 * Memory is bounded: a caller's entry exists only while it holds a slot, so at most `maxTotal` entries.
 */
export class StreamSlots {
  private total = 0;
  private readonly perCaller = new Map<string, number>();

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerCaller: number,
  ) {}

  get open(): number {
    return this.total;
  }

  /** Held by this caller now (0 when none). */
  heldBy(caller: string): number {
    return this.perCaller.get(caller) ?? 0;
  }

  /**
   * Takes a slot for the caller, or says why not. The caller's own cap is checked first, so a key at its
   * cap hears that it is the one to blame even when the server is full as well.
   */
  take(caller: string): SlotRefusal | null {
    const held = this.heldBy(caller);
    if (held >= this.maxPerCaller) return 'caller_full';
    if (this.total >= this.maxTotal) return 'full';
    this.perCaller.set(caller, held + 1);
    this.total++;
    return null;
  }

  /** Gives back a slot taken by `take`; a release without a slot is ignored (never negative counts). */
  release(caller: string): void {
    const held = this.heldBy(caller);
    if (held === 0) return;
    if (held === 1) this.perCaller.delete(caller);
    else this.perCaller.set(caller, held - 1);
    this.total--;
  }
}
