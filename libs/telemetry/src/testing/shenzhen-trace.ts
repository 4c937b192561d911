import type { PositionPayload } from '@rescue/contracts';
import { sampleText } from './samples';

/**
 * data/traces/shenzhen_taxi_traj2.csv (id,lon,lat,time,speed,moveid) as our native position payloads.
 * Times are Beijing local time (UTC+8) without a zone; speed is km/h.
 */
export function shenzhenTaxiFixes(): PositionPayload[] {
  const lines = sampleText('traces/shenzhen_taxi_traj2.csv').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [, lon, lat, time, speed] = line.split(',');
    const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(time!);
    if (m === null) throw new Error(`bad time ${time}`);
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    return { ts: Date.UTC(y, mo - 1, d, h - 8, mi, s), lat: Number(lat), lon: Number(lon), speedKmh: Number(speed) };
  });
}
