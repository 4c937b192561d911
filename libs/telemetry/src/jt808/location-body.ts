import { bcd, beijingBcdTimeToUtc } from './bcd';
import type { Jt808Error, Jt808Location } from './types';

/** Fixed part of a 0x0200 body: alarm, status, lat, lon (DWORD each), altitude, speed, direction (WORD), time BCD[6]. */
export const LOCATION_FIXED_BYTES = 28;

const err = (code: Jt808Error['code'], detail: string): Jt808Error => ({ code, detail });

/** Decodes a location body (0x0200, or one item of 0x0704) occupying bytes[start, end). */
export function decodeLocationBody(bytes: Uint8Array, start: number, end: number): Jt808Location | Jt808Error {
  if (end - start < LOCATION_FIXED_BYTES) {
    return err('bad_body', `location body of ${end - start} bytes < ${LOCATION_FIXED_BYTES}`);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const alarm = v.getUint32(start);
  const status = v.getUint32(start + 4);
  const latAbs = v.getUint32(start + 8) / 1e6;
  const lonAbs = v.getUint32(start + 12) / 1e6;
  const altitudeM = v.getUint16(start + 16);
  const speedKmh = v.getUint16(start + 18) / 10;
  const directionDeg = v.getUint16(start + 20);
  const timeBeijing = bcd(bytes, start + 22, 6);
  if (timeBeijing === null) return err('bad_bcd', 'location time is not BCD');
  const ts = beijingBcdTimeToUtc(timeBeijing);
  if (ts === null) return err('bad_time', `location time ${timeBeijing} is not a calendar time`);
  const south = (status & 0b100) !== 0;
  const west = (status & 0b1000) !== 0;
  const loc: Jt808Location = {
    alarm,
    status,
    positioned: (status & 0b10) !== 0,
    south,
    west,
    encryptedCoordinates: (status & 0b100000) !== 0,
    latAbs,
    lonAbs,
    lat: south ? -latAbs : latAbs,
    lon: west ? -lonAbs : lonAbs,
    altitudeM,
    speedKmh,
    directionDeg,
    timeBeijing,
    ts,
    mileageKm: null,
    fuelL: null,
    tachographSpeedKmh: null,
    signalStrength: null,
    satellites: null,
    extras: [],
    extraError: null,
    raw: bytes.slice(start, end),
  };
  // extra items: id BYTE, len BYTE, value. A cut or lying item ends the list but never costs the fix:
  // the fixed part was complete, the terminal's extras are a bonus (the gateway counts extraError).
  let p = start + LOCATION_FIXED_BYTES;
  while (p < end) {
    if (p + 2 > end) {
      loc.extraError = `extra item header cut at offset ${p - start}`;
      break;
    }
    const id = bytes[p]!;
    const len = bytes[p + 1]!;
    const vs = p + 2;
    if (vs + len > end) {
      loc.extraError = `extra item 0x${id.toString(16)} of ${len} bytes runs past the body`;
      break;
    }
    loc.extras.push({ id, value: bytes.slice(vs, vs + len) });
    if (id === 0x01 && len === 4) loc.mileageKm = v.getUint32(vs) / 10;
    else if (id === 0x02 && len === 2) loc.fuelL = v.getUint16(vs) / 10;
    else if (id === 0x03 && len === 2) loc.tachographSpeedKmh = v.getUint16(vs) / 10;
    else if (id === 0x30 && len === 1) loc.signalStrength = bytes[vs]!;
    else if (id === 0x31 && len === 1) loc.satellites = bytes[vs]!;
    p = vs + len;
  }
  return loc;
}
