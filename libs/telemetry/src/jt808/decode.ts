import { bcd } from './bcd';
import { FLAG, jt808Unescape, xorChecksum } from './framing';
import { decodeLocationBody } from './location-body';
import { JT808_MSG, type Jt808Body, type Jt808DecodeResult, type Jt808Error, type Jt808Header } from './types';

// Strings are GBK on the wire (authentication codes, plates); Node ships the decoder with full ICU.
const gbk = new TextDecoder('gbk');

const fail = (code: Jt808Error['code'], detail: string): Jt808DecodeResult => ({ ok: false, error: { code, detail } });

/**
 * Decodes one JT/T 808 frame, 0x7E delimiters included. Never throws: a broken frame comes back as
 * a typed error whose code says what is wrong. Order of checks: framing, escaping, checksum (a
 * corrupted frame is reported as such before its fields are trusted), header, declared length, body.
 */
export function decodeJt808Frame(frame: Uint8Array): Jt808DecodeResult {
  if (frame.length < 2 || frame[0] !== FLAG || frame[frame.length - 1] !== FLAG) {
    return fail('not_framed', 'a frame starts and ends with 0x7E');
  }
  const bytes = jt808Unescape(frame.subarray(1, frame.length - 1));
  if (typeof bytes === 'string') return fail('bad_escape', bytes);
  // shortest: 12-byte 2013 header + checksum
  if (bytes.length < 13) return fail('too_short', `${bytes.length} bytes after unescaping < 13`);
  const n = bytes.length - 1;
  const checksum = bytes[n]!;
  const computed = xorChecksum(bytes, n);
  if (computed !== checksum) {
    return fail('bad_checksum', `checksum 0x${hex(checksum)} sent, 0x${hex(computed)} computed`);
  }

  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const msgId = v.getUint16(0);
  const attr = v.getUint16(2);
  const bodyLength = attr & 0x3ff;
  const encryption = (attr >> 10) & 0b111;
  const isSubpackage = (attr & (1 << 13)) !== 0;
  // Bit 14 marks a 2019 header; 2011/2013 call bits 14-15 reserved, and some of those terminals set
  // them. When only one header layout makes the declared body length fit the frame, that layout wins.
  const layoutFits = (v2019: boolean): boolean => (v2019 ? 15 : 10) + 2 + (isSubpackage ? 4 : 0) + bodyLength === n;
  const bit14 = (attr & (1 << 14)) !== 0;
  const is2019 = bit14 && !(!layoutFits(true) && layoutFits(false));
  let p = 4;
  let protocolVersion: number | null = null;
  if (is2019) protocolVersion = bytes[p++]!;
  const phoneLen = is2019 ? 10 : 6;
  const headerLen = p + phoneLen + 2 + (isSubpackage ? 4 : 0);
  if (n < headerLen) return fail('too_short', `${n} bytes < the ${headerLen}-byte ${is2019 ? '2019' : '2013'} header`);
  const phone = bcd(bytes, p, phoneLen);
  if (phone === null) return fail('bad_bcd', 'phone number is not BCD');
  p += phoneLen;
  const serial = v.getUint16(p);
  p += 2;
  let subpackage: Jt808Header['subpackage'] = null;
  if (isSubpackage) {
    subpackage = { total: v.getUint16(p), seq: v.getUint16(p + 2) };
    p += 4;
  }
  const available = n - p;
  if (bodyLength > available) {
    return fail('body_length_exceeds_frame', `declared body length ${bodyLength} exceeds the ${available} bytes present`);
  }
  if (bodyLength < available) {
    return fail('frame_longer_than_body', `declared body length ${bodyLength} but ${available} bytes present`);
  }
  const header: Jt808Header = {
    msgId,
    bodyLength,
    encryption,
    headerVersion: is2019 ? '2019' : '2013',
    protocolVersion,
    phone,
    serial,
    subpackage,
  };
  const body = decodeBody(header, bytes, p, n);
  if ('code' in body) return { ok: false, error: body };
  return { ok: true, message: { header, body, checksum, bodyBytes: bytes.subarray(p, n) } };
}

/**
 * The body of a message whose bytes were reassembled from sub-packages (or relayed by the gateway):
 * decoded as if it had come in one frame with this header.
 */
export function decodeJt808Body(header: Jt808Header, body: Uint8Array): Jt808Body | Jt808Error {
  return decodeBody({ ...header, subpackage: null, bodyLength: body.length }, body, 0, body.length);
}

function decodeBody(h: Jt808Header, bytes: Uint8Array, start: number, end: number): Jt808Body | Jt808Error {
  const len = end - start;
  if (h.subpackage !== null) return { kind: 'opaque', reason: 'subpackage', bytes: bytes.slice(start, end) };
  if (h.encryption !== 0) return { kind: 'opaque', reason: 'encrypted', bytes: bytes.slice(start, end) };
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (h.msgId) {
    case JT808_MSG.location: {
      const location = decodeLocationBody(bytes, start, end);
      return 'code' in location ? location : { kind: 'location', location };
    }
    case JT808_MSG.locationBatch:
      return decodeLocationBatch(bytes, start, end);
    case JT808_MSG.platformGeneralResponse:
    case JT808_MSG.terminalGeneralResponse: {
      if (len !== 5) return { code: 'bad_body', detail: `general response of ${len} bytes, expected 5` };
      const kind = h.msgId === JT808_MSG.platformGeneralResponse ? 'platform_general_response' : 'terminal_general_response';
      return { kind, replySerial: v.getUint16(start), replyMsgId: v.getUint16(start + 2), result: bytes[start + 4]! };
    }
    case JT808_MSG.heartbeat:
      if (len !== 0) return { code: 'bad_body', detail: `heartbeat with a ${len}-byte body` };
      return { kind: 'heartbeat' };
    case JT808_MSG.authentication:
      return decodeAuthentication(h, bytes, start, end);
    case JT808_MSG.register:
      return decodeRegister(h, bytes, start, end);
    case JT808_MSG.logout:
      return { kind: 'logout' };
    case JT808_MSG.positionQueryAnswer: {
      if (len < 2) return { code: 'bad_body', detail: 'position answer without its reply serial' };
      const location = decodeLocationBody(bytes, start + 2, end);
      return 'code' in location ? location : { kind: 'position_answer', replySerial: v.getUint16(start), location };
    }
    default:
      return { kind: 'other', bytes: bytes.slice(start, end) };
  }
}

/** 0x0102: 2013 = the whole body is the code; 2019 = code length BYTE, code, IMEI[15], software version[20]. */
function decodeAuthentication(h: Jt808Header, bytes: Uint8Array, start: number, end: number): Jt808Body | Jt808Error {
  if (h.headerVersion === '2013') {
    return { kind: 'authentication', authCode: gbk.decode(bytes.subarray(start, end)), imei: null, softwareVersion: null };
  }
  const codeLen = bytes[start];
  if (codeLen === undefined || start + 1 + codeLen + 35 > end) {
    return { code: 'bad_body', detail: '2019 authentication body shorter than its fields' };
  }
  const c = start + 1;
  const trimNul = (s: string): string => s.replace(/\0+$/, '');
  return {
    kind: 'authentication',
    authCode: gbk.decode(bytes.subarray(c, c + codeLen)),
    imei: trimNul(gbk.decode(bytes.subarray(c + codeLen, c + codeLen + 15))),
    softwareVersion: trimNul(gbk.decode(bytes.subarray(c + codeLen + 15, c + codeLen + 35))),
  };
}

/**
 * 0x0100: province WORD, city WORD, then maker, model and terminal id (5/20/7 bytes in 2013, 5/8/7 in
 * 2011, 11/30/30 in 2019), plate colour BYTE, plate STRING. Only the place and the plate are kept; the
 * gateway identifies a terminal by its phone number, so a body we cannot split is not an error.
 */
function decodeRegister(h: Jt808Header, bytes: Uint8Array, start: number, end: number): Jt808Body | Jt808Error {
  if (end - start < 4) return { code: 'bad_body', detail: `register body of ${end - start} bytes` };
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fixed = h.headerVersion === '2019' ? [4 + 11 + 30 + 30 + 1] : [4 + 5 + 20 + 7 + 1, 4 + 5 + 8 + 7 + 1];
  const at = fixed.find((f) => start + f <= end) ?? null;
  const plate = at === null ? null : gbk.decode(bytes.subarray(start + at, end)).replace(/\0+$/, '');
  return { kind: 'register', province: v.getUint16(start), city: v.getUint16(start + 2), plateColor: at === null ? null : bytes[start + at - 1]!, plate };
}

/** 0x0704: count WORD, type BYTE, then count × (length WORD, location body): stored fixes re-uploaded late. */
function decodeLocationBatch(bytes: Uint8Array, start: number, end: number): Jt808Body | Jt808Error {
  if (end - start < 3) return { code: 'bad_body', detail: 'batch header cut' };
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = v.getUint16(start);
  const batchType = bytes[start + 2]!;
  const locations = [];
  let p = start + 3;
  for (let i = 0; i < count; i++) {
    if (p + 2 > end) return { code: 'bad_body', detail: `batch item ${i + 1}/${count} missing` };
    const len = v.getUint16(p);
    p += 2;
    if (p + len > end) return { code: 'bad_body', detail: `batch item ${i + 1} of ${len} bytes runs past the body` };
    const loc = decodeLocationBody(bytes, p, p + len);
    if ('code' in loc) return { code: loc.code, detail: `batch item ${i + 1}: ${loc.detail}` };
    locations.push(loc);
    p += len;
  }
  if (p !== end) return { code: 'bad_body', detail: `${end - p} bytes after the last batch item` };
  return { kind: 'location_batch', batchType, locations };
}

function hex(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}
