import { connect, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { StationRow } from '@rescue/persistence';
import type { DemoUnit } from './demo-fleet';

const M_PER_DEG_LAT = 111_320;

/** Deterministic PRNG (mulberry32) so a demo run can be repeated. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SimUnit {
  unit: DemoUnit;
  client: MqttClient;
  lat: number;
  lon: number;
  target: { lat: number; lon: number };
  home: StationRow;
}

/**
 * Demo terminals: each unit connects like a real terminal (own client, Last Will "offline"), reports
 * presence and status, then drives in straight lines between random points near its station,
 * publishing a QoS1 fix every interval. (Driving on the roads comes with the road engine.)
 */
export class StraightLineSimulator {
  private readonly sims: SimUnit[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly rand: () => number;

  constructor(
    private readonly mqttUrl: string,
    private readonly stations: StationRow[],
    private readonly units: DemoUnit[],
    private readonly log: Logger,
    private readonly opts = { intervalMs: 1000, speedKmh: 45, radiusM: 2500, seed: 120 },
  ) {
    this.rand = prng(opts.seed);
  }

  async start(): Promise<void> {
    for (const unit of this.units) {
      const home = this.stations.find((s) => s.id === unit.stationId) ?? this.stations[0];
      const base = `ems/v1/units/${unit.id}`;
      const client = connect(this.mqttUrl, {
        clientId: `sim-${unit.id}`,
        clean: true,
        will: { topic: `${base}/presence`, payload: Buffer.from('offline'), qos: 1, retain: true },
        reconnectPeriod: 1000,
      });
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      });
      client.on('error', (err) => this.log.warn({ unitId: unit.id, err: err.message }, 'simulator mqtt error'));
      await client.publishAsync(`${base}/presence`, 'online', { qos: 1, retain: true });
      await client.publishAsync(
        `${base}/status`,
        JSON.stringify({ ts: Date.now(), status: 'available_at_station', source: 'terminal' }),
        { qos: 1 },
      );
      this.sims.push({ unit, client, lat: home.lat, lon: home.lon, target: this.pickTarget(home), home });
    }
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs);
    this.log.info({ units: this.units.length, everyMs: this.opts.intervalMs }, 'demo simulator driving');
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(
      this.sims.map(async (s) => {
        await s.client.publishAsync(`ems/v1/units/${s.unit.id}/presence`, 'offline', { qos: 1, retain: true }).catch(() => undefined);
        await s.client.endAsync();
      }),
    );
    this.sims.length = 0;
  }

  private tick(): void {
    const stepM = (this.opts.speedKmh / 3.6) * (this.opts.intervalMs / 1000);
    const now = Date.now();
    for (const s of this.sims) {
      const mPerDegLon = M_PER_DEG_LAT * Math.cos((s.lat * Math.PI) / 180);
      const dy = (s.target.lat - s.lat) * M_PER_DEG_LAT;
      const dx = (s.target.lon - s.lon) * mPerDegLon;
      const dist = Math.hypot(dx, dy);
      if (dist <= stepM) {
        s.lat = s.target.lat;
        s.lon = s.target.lon;
        s.target = this.pickTarget(s.home);
      } else {
        s.lat += (dy / dist) * (stepM / M_PER_DEG_LAT);
        s.lon += (dx / dist) * (stepM / mPerDegLon);
      }
      const headingDeg = ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360;
      const fix = { ts: now, lat: round(s.lat), lon: round(s.lon), speedKmh: this.opts.speedKmh, headingDeg: Math.round(headingDeg), accuracyM: 5 };
      s.client.publish(`ems/v1/units/${s.unit.id}/position`, JSON.stringify(fix), { qos: 1 });
    }
  }

  private pickTarget(home: StationRow): { lat: number; lon: number } {
    const r = this.opts.radiusM * Math.sqrt(this.rand());
    const a = 2 * Math.PI * this.rand();
    const mPerDegLon = M_PER_DEG_LAT * Math.cos((home.lat * Math.PI) / 180);
    return { lat: home.lat + (r * Math.cos(a)) / M_PER_DEG_LAT, lon: home.lon + (r * Math.sin(a)) / mPerDegLon };
  }
}

const round = (v: number): number => Math.round(v * 1e7) / 1e7;
