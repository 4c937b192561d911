import { StreamSlots } from './stream-slots';

describe('StreamSlots (SSE caps: total and per API key)', () => {
  it('refuses a caller beyond its own cap while others still get slots', () => {
    const s = new StreamSlots(10, 2);
    expect([s.take('viewer'), s.take('viewer'), s.take('viewer')]).toEqual([null, null, 'caller_full']);
    expect(s.take('dispatch')).toBeNull();
    expect(s.open).toBe(3);
    expect(s.heldBy('viewer')).toBe(2);
  });

  it('refuses everyone once the total is reached, and a caller at its cap hears caller_full', () => {
    const s = new StreamSlots(3, 2);
    expect([s.take('a'), s.take('a'), s.take('b')]).toEqual([null, null, null]);
    expect(s.take('c')).toBe('full');
    expect(s.take('a')).toBe('caller_full');
    expect(s.take('b')).toBe('full');
    expect(s.open).toBe(3);
  });

  it('gives slots back on release, forgets a caller holding none, and ignores a release without a slot', () => {
    const s = new StreamSlots(3, 2);
    s.take('a');
    s.take('a');
    s.release('a');
    expect(s.heldBy('a')).toBe(1);
    expect(s.take('a')).toBeNull();
    s.release('a');
    s.release('a');
    expect(s.heldBy('a')).toBe(0);
    s.release('a'); // one too many: no negative counts
    s.release('nobody');
    expect(s.open).toBe(0);
    expect([s.take('a'), s.take('a'), s.take('b'), s.take('c')]).toEqual([null, null, null, 'full']);
  });
});
