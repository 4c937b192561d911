import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Outgoing } from './ingest-stack';

export interface Dataset {
  messages: Outgoing[];
  /** `${unitId}|${epoch ms}` of every fix that must be stored exactly once. */
  expectedFixes: string[];
  /** Dead letters expected, by reason. */
  expectedRejections: Record<string, number>;
  /** A valid OwnTracks location (real sample shape) that must be stored too. */
  owntracks: { lat: number; lon: number } | null;
}

const M_PER_DEG = 111_320;

/**
 * `units` ambulances each reporting `perUnit` fixes one second apart, driving north at 10 m/s in
 * Andorra; with `junk`, every tenth unit also sends one message of each bad kind, interleaved with its
 * good fixes as a terminal would, and one OwnTracks phone reports a real-shaped location.
 */
export function fleetDataset(units: number, perUnit: number, junk: boolean, now = Date.now()): Dataset {
  const t0 = now - (perUnit + 60) * 1000;
  const messages: Outgoing[] = [];
  const expectedFixes: string[] = [];
  const expectedRejections: Record<string, number> = {};
  const reject = (reason: string, topic: string, payload: string) => {
    messages.push({ topic, payload });
    expectedRejections[reason] = (expectedRejections[reason] ?? 0) + 1;
  };
  for (let u = 0; u < units; u++) {
    const unitId = `U${String(u).padStart(4, '0')}`;
    const topic = `ems/v1/units/${unitId}/position`;
    const lat0 = 42.46 + (u % 50) * 0.002;
    const lon0 = 1.49 + Math.floor(u / 50) * 0.01;
    const at = (k: number) => ({ ts: t0 + k * 1000, lat: lat0 + (k * 10) / M_PER_DEG, lon: lon0, speedKmh: 36, headingDeg: 0, accuracyM: 5 });
    for (let k = 0; k < perUnit; k++) {
      const fix = at(k);
      messages.push({ topic, payload: JSON.stringify(fix) });
      expectedFixes.push(`${unitId}|${fix.ts}`);
      if (!junk || u % 10 !== 0 || k !== Math.floor(perUnit / 2)) continue;
      const mid = fix.ts + 500;
      reject('duplicate', topic, JSON.stringify(fix));
      reject('null_island', topic, JSON.stringify({ ts: mid, lat: 0, lon: 0 }));
      reject('out_of_range', topic, JSON.stringify({ ts: mid, lat: 123.4, lon: lon0 }));
      reject('schema', topic, JSON.stringify({ ts: mid, lon: lon0 }));
      reject('bad_json', topic, '{"ts": 1, "lat": ');
      reject('future', topic, JSON.stringify({ ...at(k), ts: now + 3600_000 }));
      reject('too_old', topic, JSON.stringify({ ...at(k), ts: now - 30 * 86400_000 }));
      reject('poor_accuracy', topic, JSON.stringify({ ...at(k), ts: mid, accuracyM: 5000 }));
      // 50 km away half a second later: 360,000 km/h.
      reject('speed_jump', topic, JSON.stringify({ ...at(k), ts: mid, lat: fix.lat + 0.45 }));
      reject('bad_topic', `ems/v1/units/${unitId}.x!/position`, JSON.stringify(fix));
    }
  }
  let owntracks: Dataset['owntracks'] = null;
  if (junk) {
    const sample = JSON.parse(readFileSync(resolve(__dirname, '../../data/protocol/owntracks/l.json'), 'utf8'));
    sample.tst = Math.floor(now / 1000) - 30;
    messages.push({ topic: 'owntracks/ambulance/phone1', payload: JSON.stringify(sample) });
    owntracks = { lat: sample.lat, lon: sample.lon };
    const transition = readFileSync(resolve(__dirname, '../../data/protocol/owntracks/transition.json'), 'utf8');
    reject('unsupported_type', 'owntracks/ambulance/phone1', transition);
  }
  return { messages, expectedFixes, expectedRejections, owntracks };
}
