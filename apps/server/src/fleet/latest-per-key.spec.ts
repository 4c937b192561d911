import { EventEmitter } from 'node:events';
import { Subject } from 'rxjs';
import { latestPerKeyWhenBackedUp } from './latest-per-key';

/** A response whose socket the test backs up and drains by hand. */
class FakeSink extends EventEmitter {
  writableNeedDrain = false;
  destroyed = false;
  destroy(): void {
    this.destroyed = true;
  }
}

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('SSE events for a slow client', () => {
  it('passes events through while the socket takes them, keeps only the latest per unit while it is backed up', async () => {
    const src = new Subject<{ unit: string; v: number }>();
    const sink = new FakeSink();
    const seen: string[] = [];
    const sub = latestPerKeyWhenBackedUp(src, (e) => e.unit, sink, 10_000, () => undefined).subscribe((e) => seen.push(`${e.unit}${e.v}`));
    src.next({ unit: 'a', v: 1 });
    sink.writableNeedDrain = true;
    for (let v = 2; v <= 1000; v++) src.next({ unit: v % 2 ? 'a' : 'b', v });
    expect(seen).toEqual(['a1']);
    sink.writableNeedDrain = false;
    sink.emit('drain');
    await tick(5);
    // 999 changes while backed up became one event per unit, the latest
    expect(seen).toEqual(['a1', 'a999', 'b1000']); // in the order of their latest change
    sub.unsubscribe();
  });

  it('disconnects a client backed up for longer than the stall time, and says so once', async () => {
    const src = new Subject<{ unit: string }>();
    const sink = new FakeSink();
    let stalls = 0;
    const sub = latestPerKeyWhenBackedUp(src, (e) => e.unit, sink, 30, () => stalls++).subscribe();
    sink.writableNeedDrain = true;
    src.next({ unit: 'a' });
    await tick(80);
    expect(sink.destroyed).toBe(true);
    expect(stalls).toBe(1);
    sub.unsubscribe();
  });

  it('does not disconnect a client that catches up in time', async () => {
    const src = new Subject<{ unit: string }>();
    const sink = new FakeSink();
    const sub = latestPerKeyWhenBackedUp(src, (e) => e.unit, sink, 60, () => undefined).subscribe();
    sink.writableNeedDrain = true;
    src.next({ unit: 'a' });
    await tick(10);
    sink.writableNeedDrain = false;
    sink.emit('drain');
    await tick(100);
    expect(sink.destroyed).toBe(false);
    sub.unsubscribe();
  });
});
