import { alarmBitsOf, alarmTransitions, jt808AlarmBit, JT808_ALARM_BITS, type AlarmReport } from './alarms';

const SOS = 1 << 0;
const OVERSPEED = 1 << 1;
const POWER_OFF = 1 << 8;
const DOOR = 1 << 31; // the sign bit of a 32-bit int: flags are unsigned
const r = (ts: number, flags: number): AlarmReport => ({ ts, flags: flags >>> 0, lat: 42.5, lon: 1.5 });

describe('JT/T 808 alarm flags', () => {
  it('names every bit of the standard but the reserved 15-17, Chinese first', () => {
    expect(JT808_ALARM_BITS.map((a) => a.bit)).toEqual([...Array(32).keys()].filter((b) => b < 15 || b > 17));
    expect(jt808AlarmBit(0)).toMatchObject({ code: 'emergency', zh: '紧急报警', urgent: true });
    expect(jt808AlarmBit(8)).toMatchObject({ code: 'power_off', zh: '终端主电源掉电' });
    expect(jt808AlarmBit(16)).toMatchObject({ code: 'reserved_bit_16' });
    expect(new Set(JT808_ALARM_BITS.map((a) => a.code)).size).toBe(JT808_ALARM_BITS.length);
  });

  it('alarmBitsOf reads the word unsigned (bit 31 included)', () => {
    expect(alarmBitsOf((SOS | POWER_OFF | DOOR) >>> 0)).toEqual([0, 8, 31]);
    expect(alarmBitsOf(0)).toEqual([]);
  });

  // [case, state before, reports, raised (bit@ts, late, cleared), cleared (bit@ts), next state]
  const rows: Array<[string, { flags: number; ts: number } | null, AlarmReport[], string[], string[], { flags: number; ts: number } | null]> = [
    ['first report with the bit raises', null, [r(10, SOS)], ['0@10'], [], { flags: SOS, ts: 10 }],
    ['bit held: nothing new', { flags: SOS, ts: 10 }, [r(20, SOS), r(30, SOS)], [], [], { flags: SOS, ts: 30 }],
    ['bit gone clears at that report', { flags: SOS, ts: 10 }, [r(20, SOS), r(30, 0)], [], ['0@30'], { flags: 0, ts: 30 }],
    ['several bits at once, one stays', { flags: SOS | OVERSPEED, ts: 10 }, [r(20, SOS | POWER_OFF)], ['8@20'], ['1@20'], { flags: SOS | POWER_OFF, ts: 20 }],
    ['raised and cleared in one batch: one closed episode', null, [r(30, 0), r(10, SOS), r(20, SOS)], ['0@10 cleared@30'], [], { flags: 0, ts: 30 }],
    ['raise, clear, raise again in one batch', null, [r(10, SOS), r(20, 0), r(30, SOS)], ['0@10 cleared@20', '0@30'], [], { flags: SOS, ts: 30 }],
    ['bit 31 (unsigned)', null, [r(10, DOOR)], ['31@10'], [], { flags: DOOR >>> 0, ts: 10 }],
    ['a resend of the state report changes nothing', { flags: SOS, ts: 10 }, [r(10, SOS)], [], [], { flags: SOS, ts: 10 }],
    ['late reports never clear a live alarm', { flags: SOS, ts: 100 }, [r(50, 0)], [], [], { flags: SOS, ts: 100 }],
    ['late SOS episode (blind area): raised and closed among the late reports', { flags: 0, ts: 100 }, [r(40, 0), r(50, SOS), r(60, SOS), r(70, 0), r(80, SOS)],
      ['0@50 late cleared@70', '0@80 late cleared@80'], [], { flags: 0, ts: 100 }],
    ['late report of an alarm still open: the same episode', { flags: SOS, ts: 100 }, [r(50, SOS)], [], [], { flags: SOS, ts: 100 }],
    ['late and live in one batch', { flags: 0, ts: 100 }, [r(50, OVERSPEED), r(110, SOS)], ['1@50 late cleared@50', '0@110'], [], { flags: SOS, ts: 110 }],
    ['no reports, no change', { flags: SOS, ts: 10 }, [], [], [], { flags: SOS, ts: 10 }],
  ];
  it.each(rows)('%s', (_case, prev, reports, raised, cleared, next) => {
    const t = alarmTransitions(prev, reports);
    expect(t.raised.map((a) => `${a.bit}@${a.ts}${a.late ? ' late' : ''}${a.clearedTs !== null ? ` cleared@${a.clearedTs}` : ''}`)).toEqual(raised);
    expect(t.cleared.map((c) => `${c.bit}@${c.ts}`)).toEqual(cleared);
    expect(t.next).toEqual(next);
  });
});
