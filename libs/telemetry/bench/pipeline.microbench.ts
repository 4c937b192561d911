/**
 * Microbenchmark of the pure pipeline: `npx tsx libs/telemetry/bench/pipeline.microbench.ts`.
 * Prints messages/s for the common shapes (one fix, an OwnTracks location, a 20-fix re-upload) across
 * 1,000 units, and, as a baseline in the same run, JSON.parse alone on the same payloads.
 */
import { TelemetryPipeline } from '@rescue/telemetry';
import { positionTopic } from '@rescue/contracts';

const enc = new TextEncoder();
const N_UNITS = 1000;
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const cfg = { maxPayloadBytes: 65536, maxFutureS: 300, maxAgeS: 7 * 86400, maxSpeedKmh: 250, maxAccuracyM: 200 };

type Msg = { topic: string; payload: Uint8Array };

function messages(kind: 'single' | 'owntracks' | 'batch20', rounds: number): Msg[] {
  const out: Msg[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let u = 0; u < N_UNITS; u++) {
      const ts = T0 - 3600_000 + r * 5000;
      const lat = 22.5 + u * 1e-3 + r * 1e-5;
      const lon = 114.0 + r * 1e-5;
      if (kind === 'single') {
        out.push({
          topic: positionTopic(`amb-${u}`),
          payload: enc.encode(JSON.stringify({ ts, lat, lon, speedKmh: 40.5, headingDeg: 90, accuracyM: 6, altitudeM: 12 })),
        });
      } else if (kind === 'owntracks') {
        out.push({
          topic: `owntracks/user${u}/phone`,
          payload: enc.encode(JSON.stringify({ _type: 'location', tst: Math.floor(ts / 1000), lat, lon, acc: 9, alt: 93, batt: 94, vel: 40, cog: 252, tid: 'SG' })),
        });
      } else {
        const fixes = Array.from({ length: 20 }, (_, k) => ({ ts: ts - (20 - k) * 200, lat: lat - (20 - k) * 1e-6, lon, speedKmh: 40 }));
        out.push({ topic: positionTopic(`amb-${u}`), payload: enc.encode(JSON.stringify(fixes)) });
      }
    }
  }
  return out;
}

function bench(label: string, msgs: Msg[]): void {
  const dec = new TextDecoder();
  // baseline: decoding + JSON.parse only
  let t = performance.now();
  let sink = 0;
  for (const m of msgs) sink += (JSON.parse(dec.decode(m.payload)) as unknown) === null ? 1 : 0;
  const base = performance.now() - t;

  const p = new TelemetryPipeline(cfg);
  t = performance.now();
  let fixes = 0;
  let rejected = 0;
  for (const m of msgs) {
    const o = p.process(m.topic, m.payload, T0);
    fixes += o.fixes.length;
    rejected += o.rejections.length;
  }
  const full = performance.now() - t;
  const rate = (msgs.length / full) * 1000;
  process.stdout.write(
    `${label.padEnd(22)} ${msgs.length} msgs  ${Math.round(rate).toLocaleString('en')} msg/s  ` +
      `(${((full / msgs.length) * 1000).toFixed(2)} µs/msg; decode+JSON.parse alone ${((base / msgs.length) * 1000).toFixed(2)} µs, ` +
      `pipeline/parse ${(full / base).toFixed(2)}×)  fixes ${fixes} rejected ${rejected}${sink < 0 ? '!' : ''}\n`,
  );
}

for (let i = 0; i < 2; i++) {
  // second pass: JIT warm
  bench('single fix', messages('single', 200));
  bench('OwnTracks location', messages('owntracks', 200));
  bench('20-fix re-upload', messages('batch20', 20));
}
