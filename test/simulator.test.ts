import { join } from 'node:path';
import { haversineM } from '@rescue/common';
import { loadGraph, snap } from '@rescue/routing';
import { REPO_ROOT, ServerProcess, startServer } from './support/server-process';

/**
 * The demo simulator end to end on the built server (embedded aedes + PGlite, Andorra): a dispatcher
 * assigns a simulated unit, and its terminal alone carries the task through the lifecycle over MQTT,
 * driving on the roads. SIMULATOR_SPEEDUP compresses the ~40 simulated minutes to well under a minute;
 * FIX_MAX_SPEED_KMH is raised so that sped-up driving is not throttled by the ingest jump filter.
 */

// Santa Coloma, ~2.5 km by road from AMB-01's station in Andorra la Vella (ST-ALV 42.5063, 1.5218).
const INCIDENT = { lat: 42.4947, lon: 1.499 };
const HOSPITAL = { lat: 42.5116, lon: 1.534 }; // Hospital Nostra Senyora de Meritxell (demo-fleet.ts)
const STATION = { lat: 42.5063, lon: 1.5218 };

interface UnitJson {
  unitId: string;
  status: string | null;
  taskId: string | null;
  online: boolean;
  lastFix: { ts: number; lat: number; lon: number; speedKmh: number | null; headingDeg: number | null } | null;
}
interface EventJson {
  toStatus: string;
  source: string;
  ts: string | number;
  fix: { ts: number; lat: number; lon: number } | null;
}

async function json<T = any>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
const units = async (srv: ServerProcess): Promise<UnitJson[]> => (await json<{ units: UnitJson[] }>(await srv.api(`/units`))).units;
const unit = async (srv: ServerProcess, id: string): Promise<UnitJson | undefined> => (await units(srv)).find((u) => u.unitId === id);

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 200): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const ms = (ts: string | number): number => (typeof ts === 'number' ? ts : Date.parse(ts));

describe('demo simulator on roads', () => {
  const graph = loadGraph(join(REPO_ROOT, 'data/osm/andorra.osm.pbf'), { cacheDir: null }).graph;
  let srv: ServerProcess | null = null;

  afterEach(async () => {
    await srv?.stop();
    srv = null;
  });

  it('walks a task: the simulated terminal reports en route … task complete with fixes, driving on roads, and is available again', async () => {
    srv = await startServer({ SIMULATOR: 'true', SIMULATOR_UNITS: '3', SIMULATOR_SPEEDUP: '1000', FIX_MAX_SPEED_KMH: '2000' });
    const s = srv;
    await waitFor('AMB-01 online and available with a fix', async () => {
      const u = await unit(s, 'AMB-01');
      return u && u.online && u.status === 'available_at_station' && u.lastFix;
    }, 20_000);

    const res = await s.api(`/tasks`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ unitId: 'AMB-01', location: INCIDENT, priority: 1 }),
    });
    expect(res.status).toBe(201);
    const taskId = (await json<{ id: string }>(res)).id;

    // Sample the unit's fixes while the task runs: every one must lie on (or a yard's length from) a road.
    const samples: NonNullable<UnitJson['lastFix']>[] = [];
    const statusesSeen = new Set<string>();
    const task = await waitFor('the task to complete', async () => {
      const u = await unit(s, 'AMB-01');
      if (u?.lastFix && (samples.length === 0 || samples[samples.length - 1]!.ts !== u.lastFix.ts)) samples.push(u.lastFix);
      if (u?.status) statusesSeen.add(u.status);
      const t = await json<{ state: string; events: EventJson[]; departedAt: unknown; onSceneAt: unknown; atHospitalAt: unknown }>(await s.api(`/tasks/${taskId}`));
      return t.events.some((e) => e.toStatus === 'task_complete') && t;
    }, 90_000, 250);

    const evs = task.events;
    // the dispatcher's assignment, then the terminal's acknowledgement of the order sent down (issue 12)
    expect(evs.map((e) => e.toStatus)).toEqual(['order_received', 'order_received', 'en_route', 'on_scene', 'patient_loaded', 'at_hospital', 'task_complete']);
    expect(evs[0]!.source).toBe('dispatcher');
    for (const e of evs.slice(1)) {
      expect(e.source).toBe('terminal');
      expect(e.fix).not.toBeNull();
      expect(e.fix!.ts).toBeLessThanOrEqual(ms(e.ts));
      expect(ms(e.ts) - e.fix!.ts).toBeLessThan(2_000); // the fix of that moment, not an old one
    }
    for (let i = 1; i < evs.length; i++) expect(ms(evs[i]!.ts)).toBeGreaterThan(ms(evs[i - 1]!.ts));
    const at = (status: string) => evs.find((e) => e.toStatus === status)!.fix!;
    expect(haversineM(at('on_scene').lat, at('on_scene').lon, INCIDENT.lat, INCIDENT.lon)).toBeLessThan(60);
    expect(haversineM(at('patient_loaded').lat, at('patient_loaded').lon, INCIDENT.lat, INCIDENT.lon)).toBeLessThan(60);
    expect(haversineM(at('at_hospital').lat, at('at_hospital').lon, HOSPITAL.lat, HOSPITAL.lon)).toBeLessThan(60);
    expect(task.state).toBe('completed');
    expect(task.departedAt && task.onSceneAt && task.atHospitalAt).toBeTruthy();

    // Then it drives home and is dispatchable again, finally 站内待命 at its station.
    const home = await waitFor('AMB-01 available at its station', async () => {
      const u = await unit(s, 'AMB-01');
      if (u?.status) statusesSeen.add(u.status);
      if (u?.lastFix && samples[samples.length - 1]!.ts !== u.lastFix.ts) samples.push(u.lastFix);
      return u && u.status === 'available_at_station' && u.taskId === null && u;
    }, 30_000, 250);
    expect(haversineM(home.lastFix!.lat, home.lastFix!.lon, STATION.lat, STATION.lon)).toBeLessThan(60);
    expect([...statusesSeen]).toEqual(expect.arrayContaining(['en_route', 'on_scene', 'patient_loaded', 'at_hospital']));

    // On the roads: every sampled fix within a yard's length of a drivable road, most of them on it.
    const off = samples.map((f) => snap(graph, f.lat, f.lon, { maxDistanceM: 1000 }).distanceM).sort((a, b) => a - b);
    expect(samples.length).toBeGreaterThan(10);
    expect(off[off.length - 1]!).toBeLessThan(60);
    expect(off[Math.floor(off.length / 2)]!).toBeLessThan(5);
    // Moving fixes carry a road speed and heading.
    expect(samples.some((f) => (f.speedKmh ?? 0) > 0 && f.headingDeg !== null)).toBe(true);

    // Nothing the simulator sent was refused: no dead-lettered fixes, no refused status report.
    const metrics = await (await s.api(`/metrics`)).text();
    const rejected = metrics.split('\n').filter((l) => l.startsWith('rc_ingest_rejected_total{') && !/ 0$/.test(l));
    expect(rejected).toEqual([]);
    expect(s.output()).not.toMatch(/terminal status report refused/);
  });

  it('npm start defaults: units move on the roads within 30 s of start', async () => {
    srv = await startServer({ SIMULATOR: 'true' }); // default 12 units, SIMULATOR_SPEEDUP 10, ingest limits unchanged
    const s = srv;
    const first = new Map<string, { lat: number; lon: number }>();
    const moved = await waitFor('a unit to move', async () => {
      for (const u of await units(s)) {
        if (!u.lastFix) continue;
        const f = first.get(u.unitId);
        if (!f) first.set(u.unitId, u.lastFix);
        else if (haversineM(f.lat, f.lon, u.lastFix.lat, u.lastFix.lon) > 50) return u;
      }
      return null;
    }, 30_000, 500);
    expect(moved.online).toBe(true);
    expect(snap(graph, moved.lastFix!.lat, moved.lastFix!.lon, { maxDistanceM: 1000 }).distanceM).toBeLessThan(60);
    const metrics = await (await s.api(`/metrics`)).text();
    expect(metrics.split('\n').filter((l) => l.startsWith('rc_ingest_rejected_total{') && !/ 0$/.test(l))).toEqual([]);
  });
});
