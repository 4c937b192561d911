import { type ServerProcess, startServer } from './support/server-process';

interface UnitsBody {
  units: Array<{ unitId: string; lastFix: { ts: number } | null }>;
}

async function units(srv: ServerProcess): Promise<UnitsBody['units']> {
  return ((await (await srv.api('/units', {}, 'viewer')).json()) as UnitsBody).units;
}

async function storedFixes(srv: ServerProcess, unitId: string): Promise<number> {
  const track = (await (await srv.api(`/units/${unitId}/track?from=0&to=${Date.now() + 1000}`, {}, 'viewer')).json()) as { properties: { count: number } };
  return track.properties.count;
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The embedded default keeps its data across a clean stop and across a crash (SIGKILL). */
describe('embedded default across restarts', () => {
  it('units and their tracks survive a stop and a kill', async () => {
    let srv = await startServer({ SIMULATOR: 'true', SIMULATOR_UNITS: '2' });
    const dataDir = srv.dataDir;
    try {
      const before = await until('stored fixes', async () => {
        const n = await storedFixes(srv, 'AMB-01');
        return n >= 3 ? n : null;
      });
      await srv.stop(false);

      srv = await startServer({ SIMULATOR: 'false' }, { dataDir });
      const afterStop = await storedFixes(srv, 'AMB-01');
      expect(afterStop).toBeGreaterThanOrEqual(before);
      const list = await units(srv);
      expect(list.map((u) => u.unitId)).toEqual(['AMB-01', 'AMB-02']);
      expect(list.every((u) => u.lastFix !== null)).toBe(true); // the live picture is rebuilt from the database
      await srv.kill();

      srv = await startServer({ SIMULATOR: 'false' }, { dataDir });
      expect(await storedFixes(srv, 'AMB-01')).toBe(afterStop);
    } finally {
      await srv.stop(true);
    }
  });
});
