import type { Jt808TerminalClient } from '../apps/server/src/simulator/jt808-terminal-client';
import { provisionedJt808Terminal } from './support/jt808-terminals';
import { freePort } from './support/ports';
import { type ServerProcess, startServer } from './support/server-process';

/**
 * Terminal alarms end to end on real sockets, through the built server in its embedded default: a
 * JT/T 808 terminal reports alarm flags in 0x0200 / 0x0704; the alarm is raised by the first report
 * with the bit and cleared by the first later one without it, shown by GET /units/:id/alarms and
 * GET /alarms, and streamed as SSE "alarm" events.
 */
describe('JT/T 808 alarm flags become unit alarm events (built server, embedded default)', () => {
  let srv: ServerProcess;
  let jt808Port: number;
  const terminals: Jt808TerminalClient[] = [];
  const SOS = 1 << 0;
  const POWER_OFF = 1 << 8;
  const T0 = Math.floor(Date.now() / 1000) * 1000 - 120_000; // BCD times have whole seconds
  const P = { lat: 42.5078, lon: 1.5211 };

  const json = async (r: Response): Promise<any> => r.json();
  const alarms = async (unitId: string, q = ''): Promise<any[]> => (await json(await srv.api(`/units/${unitId}/alarms${q}`))).alarms;
  const ready = async (unitId: string, phone: string): Promise<Jt808TerminalClient> => {
    const t = await provisionedJt808Terminal(srv, jt808Port, unitId, phone);
    terminals.push(t);
    return t;
  };
  /** Sends and waits for the 0x8001: then the batch holding the report is committed. */
  const report = async (t: Jt808TerminalClient, ts: number, alarm: number, status?: number): Promise<void> => {
    const serial = t.sendLocation({ ts, ...P, alarm, status });
    expect((await t.responseTo(serial, 15_000)).result).toBe(0);
  };

  beforeAll(async () => {
    jt808Port = await freePort();
    srv = await startServer({ SIMULATOR: 'false', JT808_PORT: String(jt808Port) });
  });
  afterAll(async () => {
    for (const t of terminals) t.destroy();
    await srv?.stop();
  });

  it('SOS raised by the first report with the bit, held, cleared by the first without; on the SSE stream too', async () => {
    const t = await ready('JT-ALM', '013800000001');
    // the console's stream: read its "alarm" events while the terminal reports
    const ctl = new AbortController();
    const res = await srv.api('/units/stream', { signal: ctl.signal });
    expect(res.status).toBe(200);
    const events: any[] = [];
    const seen: string[] = [];
    const reading = (async () => {
      const dec = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += dec.decode(chunk, { stream: true });
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            seen.push(block.slice(0, 80));
            if (/^event: alarm$/m.test(block)) events.push(JSON.parse(block.match(/^data: (.*)$/m)![1]!));
          }
        }
      } catch {
        // aborted at the end of the test
      }
    })();

    await report(t, T0, 0);
    expect(await alarms('JT-ALM')).toEqual([]);
    await report(t, T0 + 10_000, SOS);
    await report(t, T0 + 20_000, SOS | POWER_OFF);
    let open = await alarms('JT-ALM', '?active=true');
    expect(open.map((a) => [a.code, a.nameZh, a.raisedAt])).toEqual([
      ['power_off', '终端主电源掉电', new Date(T0 + 20_000).toISOString()],
      ['emergency', '紧急报警', new Date(T0 + 10_000).toISOString()],
    ]);
    expect(open[1]).toMatchObject({ active: true, urgent: true, clearedAt: null, late: false, lat: P.lat, lon: P.lon });
    await report(t, T0 + 30_000, POWER_OFF); // SOS over; power still off
    await report(t, T0 + 30_000, POWER_OFF); // a resend changes nothing
    open = await alarms('JT-ALM', '?active=true');
    expect(open.map((a) => a.code)).toEqual(['power_off']);
    const all = await alarms('JT-ALM');
    const sos = all.find((a) => a.code === 'emergency');
    expect(sos).toMatchObject({ active: false, raisedAt: new Date(T0 + 10_000).toISOString(), clearedAt: new Date(T0 + 30_000).toISOString() });
    expect(all).toHaveLength(2);
    // the fleet's open alarms
    expect((await json(await srv.api('/alarms'))).alarms.filter((a: any) => a.unitId === 'JT-ALM').map((a: any) => a.code)).toEqual(['power_off']);
    // SSE: emergency raised, power_off raised, emergency cleared (in commit order)
    try {
      await waitUntil(() => events.length >= 3);
    } catch (e) {
      throw new Error(`${(e as Error).message}; stream blocks: ${JSON.stringify(seen.slice(-6))}`);
    } finally {
      ctl.abort();
      await reading;
    }
    expect(events.map((e) => `${e.code}:${e.active ? 'raised' : 'cleared'}`)).toEqual(['emergency:raised', 'power_off:raised', 'emergency:cleared']);
  });

  it('an SOS from a terminal without a GNSS fix is raised although the fix is refused', async () => {
    const t = await ready('JT-NOFIX', '013800000002');
    await report(t, T0 + 5_000, SOS, 0); // status bit "positioned" off
    const [a] = await alarms('JT-NOFIX');
    expect(a).toMatchObject({ code: 'emergency', active: true, lat: null, lon: null });
    const track = await json(await srv.api(`/units/JT-NOFIX/track?from=${T0 - 60_000}&to=${Date.now()}`));
    expect(track.properties.count).toBe(0); // refused as no_gnss_fix
  });

  it('a blind-area batch (0x0704 type 1) uploaded after live reports resumed: its SOS is one past episode, the live state untouched', async () => {
    const t = await ready('JT-BLIND', '013800000003');
    await report(t, T0 + 100_000, 0);
    const hours = 3 * 3_600_000;
    const old = [0, 1, 2, 3].map((i) => ({ ts: T0 - hours + i * 10_000, ...P, alarm: i === 1 || i === 2 ? SOS : 0 }));
    const serial = t.sendBatch(1, old);
    expect((await t.responseTo(serial, 15_000)).result).toBe(0);
    const list = await alarms('JT-BLIND');
    expect(list).toEqual([expect.objectContaining({
      code: 'emergency', late: true, active: false, raisedAt: new Date(T0 - hours + 10_000).toISOString(), clearedAt: new Date(T0 - hours + 30_000).toISOString(),
    })]);
    // the same batch again (no 0x8001 heard): absorbed
    const again = t.sendBatch(1, old);
    expect((await t.responseTo(again, 15_000)).result).toBe(0);
    expect(await alarms('JT-BLIND')).toHaveLength(1);
    expect(await alarms('JT-BLIND', '?active=true')).toEqual([]);
  });

  it('bad query and unknown unit: 400 and 404', async () => {
    expect((await srv.api('/units/JT-ALM/alarms?limit=0')).status).toBe(400);
    expect((await srv.api('/units/JT-ALM/alarms?active=yes')).status).toBe(400);
    expect((await srv.api('/units/NOPE-1/alarms')).status).toBe(404);
  });
});

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
