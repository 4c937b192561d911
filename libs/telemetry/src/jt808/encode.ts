import iconv from 'iconv-lite';
import { jt808Escape, xorChecksum } from './framing';
import type { Jt808HeaderVersion } from './types';
import { JT808_MSG } from './types';

/**
 * Building JT/T 808 frames: the platform's replies and orders (0x8001, 0x8100, 0x8300, 0x8201), and the
 * terminal side (0x0100, 0x0102, 0x0200, 0x0704, 0x0002, 0x0003, 0x0001) for the simulator, tests and
 * bench. Strings are GBK on the wire; Node's TextDecoder reads GBK but only iconv-lite writes it.
 */

/** Largest body of one frame: the body length field has 10 bits. */
export const MAX_FRAME_BODY = 0x3ff;

export interface FrameHeader {
  msgId: number;
  /** BCD digits: 12 (2013) or 20 (2019); shorter ones are left-padded with zeros. */
  phone: string;
  serial: number;
  version: Jt808HeaderVersion;
  /** 2019 protocol version byte (1 for JT/T 808-2019). */
  protocolVersion?: number;
  subpackage?: { total: number; seq: number };
}

/** One frame: header, body, checksum, escaped, between 0x7E flags. */
export function encodeJt808Frame(h: FrameHeader, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (body.length > MAX_FRAME_BODY) throw new RangeError(`body of ${body.length} bytes > ${MAX_FRAME_BODY}: send it as sub-packages`);
  const is2019 = h.version === '2019';
  const phoneLen = is2019 ? 10 : 6;
  const headerLen = 4 + (is2019 ? 1 : 0) + phoneLen + 2 + (h.subpackage ? 4 : 0);
  const content = new Uint8Array(headerLen + body.length + 1);
  const v = new DataView(content.buffer);
  v.setUint16(0, h.msgId);
  v.setUint16(2, body.length | (h.subpackage ? 1 << 13 : 0) | (is2019 ? 1 << 14 : 0));
  let p = 4;
  if (is2019) content[p++] = h.protocolVersion ?? 1;
  content.set(bcdBytes(h.phone, phoneLen), p);
  p += phoneLen;
  v.setUint16(p, h.serial & 0xffff);
  p += 2;
  if (h.subpackage) {
    v.setUint16(p, h.subpackage.total);
    v.setUint16(p + 2, h.subpackage.seq);
    p += 4;
  }
  content.set(body, p);
  content[content.length - 1] = xorChecksum(content, content.length - 1);
  return jt808Escape(content);
}

/** Digits → BCD bytes, left-padded with '0' to `len` bytes (a 2013 phone of 11 digits becomes 12). */
export function bcdBytes(digits: string, len: number): Uint8Array {
  if (!/^\d*$/.test(digits) || digits.length > len * 2) throw new RangeError(`"${digits}" is not at most ${len * 2} digits`);
  const d = digits.padStart(len * 2, '0');
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = ((d.charCodeAt(2 * i) - 48) << 4) | (d.charCodeAt(2 * i + 1) - 48);
  return out;
}

export const gbkBytes = (s: string): Uint8Array => Uint8Array.from(iconv.encode(s, 'gbk'));

/** Result of 0x8001 (platform general response). */
export const PLATFORM_RESULT = { ok: 0, failure: 1, badMessage: 2, unsupported: 3, alarmConfirmed: 4 } as const;

/** 0x8001 body: reply serial, reply message id, result. */
export function platformGeneralResponseBody(replySerial: number, replyMsgId: number, result: number): Uint8Array {
  const b = new Uint8Array(5);
  const v = new DataView(b.buffer);
  v.setUint16(0, replySerial);
  v.setUint16(2, replyMsgId);
  b[4] = result;
  return b;
}

/** Result of 0x8100 (register response). */
export const REGISTER_RESULT = { ok: 0, vehicleRegistered: 1, vehicleUnknown: 2, terminalRegistered: 3, terminalUnknown: 4 } as const;

/** 0x8100 body: reply serial, result, then the authentication code only on success. */
export function registerResponseBody(replySerial: number, result: number, authCode: string | null): Uint8Array {
  const code = result === REGISTER_RESULT.ok && authCode !== null ? gbkBytes(authCode) : new Uint8Array(0);
  const b = new Uint8Array(3 + code.length);
  new DataView(b.buffer).setUint16(0, replySerial);
  b[2] = result;
  b.set(code, 3);
  return b;
}

/** 0x8300 flags: bit 0 emergency, bit 2 show on the terminal display, bit 3 read aloud (TTS). */
export const TEXT_FLAG = { emergency: 0x01, display: 0x04, tts: 0x08 } as const;

/**
 * 0x8300 body: flag BYTE, (2019: text type BYTE, 1 = notice), text in GBK. Cut to what one frame holds,
 * on a character boundary, so a long address never needs sub-packages to reach the crew.
 */
export function textMessageBody(version: Jt808HeaderVersion, flags: number, text: string): Uint8Array {
  const head = version === '2019' ? [flags, 1] : [flags];
  let t = text;
  let bytes = gbkBytes(t);
  while (head.length + bytes.length > MAX_FRAME_BODY) {
    t = t.slice(0, -1);
    bytes = gbkBytes(t);
  }
  return Uint8Array.from([...head, ...bytes]);
}

// ---- terminal side ----

/** 0x0100 body in the 2013 layout (2019 with `version`): province, city, maker, model, id, colour, plate. */
export function registerBody(version: Jt808HeaderVersion, plate: string, terminalId = 'RC00001'): Uint8Array {
  const [maker, model, id] = version === '2019' ? [11, 30, 30] : [5, 20, 7];
  const fixed = new Uint8Array(4 + maker + model + id + 1);
  const v = new DataView(fixed.buffer);
  v.setUint16(0, 44); // Guangdong
  v.setUint16(2, 300); // Shenzhen
  fixed.set(new TextEncoder().encode('RESCU').subarray(0, maker), 4);
  fixed.set(new TextEncoder().encode('RC-SIM').subarray(0, model), 4 + maker);
  fixed.set(new TextEncoder().encode(terminalId).subarray(0, id), 4 + maker + model);
  fixed[fixed.length - 1] = 1; // blue plate
  return Uint8Array.from([...fixed, ...gbkBytes(plate)]);
}

/** 0x0102 body: 2013 = the code; 2019 = code length, code, IMEI[15], software version[20]. */
export function authenticationBody(version: Jt808HeaderVersion, authCode: string, imei = '860000000000000', software = 'rc-sim-1'): Uint8Array {
  const code = gbkBytes(authCode);
  if (version === '2013') return code;
  const b = new Uint8Array(1 + code.length + 35);
  b[0] = code.length;
  b.set(code, 1);
  b.set(new TextEncoder().encode(imei).subarray(0, 15), 1 + code.length);
  b.set(new TextEncoder().encode(software).subarray(0, 20), 1 + code.length + 15);
  return b;
}

/** 0x0001 body (terminal general response): the same layout as 0x8001. */
export const terminalGeneralResponseBody = platformGeneralResponseBody;

export interface LocationInput {
  /** Epoch ms UTC; sent as Beijing time. */
  ts: number;
  lat: number;
  lon: number;
  speedKmh?: number;
  headingDeg?: number;
  altitudeM?: number;
  alarm?: number;
  /** Defaults to positioned (bit 1); south/west bits are added from the signs. */
  status?: number;
  mileageKm?: number;
  satellites?: number;
  /** Extra items appended as they are (e.g. a malformed one, in tests). */
  rawExtras?: number[];
}

/** A 0x0200 body (also one 0x0704 item). */
export function locationBody(l: LocationInput): Uint8Array {
  const out: number[] = [];
  const w32 = (x: number): void => void out.push((x >>> 24) & 255, (x >>> 16) & 255, (x >>> 8) & 255, x & 255);
  const w16 = (x: number): void => void out.push((x >>> 8) & 255, x & 255);
  const status = (l.status ?? 0b10) | (l.lat < 0 ? 0b100 : 0) | (l.lon < 0 ? 0b1000 : 0);
  w32(l.alarm ?? 0);
  w32(status);
  w32(Math.round(Math.abs(l.lat) * 1e6));
  w32(Math.round(Math.abs(l.lon) * 1e6));
  w16(Math.max(0, Math.round(l.altitudeM ?? 0)));
  w16(Math.round((l.speedKmh ?? 0) * 10));
  w16(Math.round(l.headingDeg ?? 0) % 360);
  const d = new Date(l.ts + 8 * 3_600_000);
  for (const x of [d.getUTCFullYear() % 100, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]) {
    out.push(((Math.floor(x / 10) % 10) << 4) | x % 10);
  }
  if (l.mileageKm !== undefined) (out.push(0x01, 4), w32(Math.round(l.mileageKm * 10)));
  if (l.satellites !== undefined) out.push(0x31, 1, l.satellites);
  if (l.rawExtras) out.push(...l.rawExtras);
  return Uint8Array.from(out);
}

/** A 0x0704 body: count, type (0 normal, 1 blind-area re-upload), then length-prefixed location bodies. */
export function locationBatchBody(type: 0 | 1, items: LocationInput[]): Uint8Array {
  const bodies = items.map(locationBody);
  const out: number[] = [(items.length >> 8) & 255, items.length & 255, type];
  for (const b of bodies) out.push((b.length >> 8) & 255, b.length & 255, ...b);
  return Uint8Array.from(out);
}

/** Splits a long body into sub-package frames (serials consecutive from `serial`). */
export function encodeSubpackages(h: Omit<FrameHeader, 'subpackage'>, body: Uint8Array, chunk = MAX_FRAME_BODY): Uint8Array[] {
  const total = Math.max(1, Math.ceil(body.length / chunk));
  const frames: Uint8Array[] = [];
  for (let i = 0; i < total; i++) {
    frames.push(encodeJt808Frame({ ...h, serial: h.serial + i, subpackage: { total, seq: i + 1 } }, body.subarray(i * chunk, (i + 1) * chunk)));
  }
  return frames;
}

export { JT808_MSG };
