import { decodeJt808Body } from '../jt808/decode';
import type { AlarmReport } from '../jt808/alarms';
import { jt808LocationToCandidate } from '../jt808/to-fix';
import { JT808_MSG, type Jt808Header, type Jt808Location } from '../jt808/types';
import type { FixCandidate } from '../types';
import { isObject, requiredInteger } from './fields';
import { Refusal, show } from './refusal';

/** What a relayed JT/T 808 message holds for the filters: its reports as candidates. */
export interface Jt808Decoded {
  candidates: FixCandidate[];
  /** Reports whose extra items stopped early (the fix was kept). */
  badExtraItems: number;
  /** Every report's alarm flags (0 too: a report without a bit clears it), for the unit's alarm events. */
  alarmReports: AlarmReport[];
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Step 2 for `ems/v1/units/{unitId}/jt808` (Jt808RelayPayload): the envelope's fields, then the body
 * through the same decoder the gateway's tests pin down. Location messages (0x0200, 0x0201 and 0x0704
 * of either type) become candidates; a body that does not decode is `bad_frame`, any other message id
 * `unsupported_type`. Each candidate's raw is the hex of its own report, so a refused fix of a batch
 * dead-letters alone.
 */
export function validateJt808(el: unknown, unitId: string): Jt808Decoded | Refusal {
  if (!isObject(el)) return new Refusal('schema', `expected a JT/T 808 relay object, got ${show(el)}`);
  const msgId = requiredInteger(el, 'msgId');
  if (msgId instanceof Refusal) return msgId;
  const serial = requiredInteger(el, 'serial');
  if (serial instanceof Refusal) return serial;
  const { version, phone, body } = el;
  if (version !== '2013' && version !== '2019') return new Refusal('schema', `version: expected "2013" or "2019", got ${show(version)}`);
  if (typeof phone !== 'string' || !/^\d{1,20}$/.test(phone)) return new Refusal('schema', `phone: expected BCD digits, got ${show(phone)}`);
  if (typeof body !== 'string' || !BASE64.test(body)) return new Refusal('schema', `body: expected base64, got ${show(body)}`);
  if (msgId !== JT808_MSG.location && msgId !== JT808_MSG.locationBatch && msgId !== JT808_MSG.positionQueryAnswer) {
    return new Refusal('unsupported_type', `JT/T 808 message 0x${msgId.toString(16).padStart(4, '0')} carries no position`);
  }
  const bytes = Uint8Array.from(Buffer.from(body, 'base64'));
  const header: Jt808Header = { msgId, bodyLength: bytes.length, encryption: 0, headerVersion: version, protocolVersion: null, phone, serial, subpackage: null };
  const decoded = decodeJt808Body(header, bytes);
  if ('code' in decoded) return new Refusal('bad_frame', `${decoded.code}: ${decoded.detail}`);
  let locations: Jt808Location[];
  if (decoded.kind === 'location' || decoded.kind === 'position_answer') locations = [decoded.location];
  else if (decoded.kind === 'location_batch') locations = decoded.locations;
  else return new Refusal('unsupported_type', `JT/T 808 body ${decoded.kind}`);
  if (locations.length === 0) return new Refusal('schema', 'empty 0x0704 batch');
  const out: Jt808Decoded = { candidates: [], badExtraItems: 0, alarmReports: [] };
  for (const loc of locations) {
    out.candidates.push(jt808LocationToCandidate(loc, unitId, Buffer.from(loc.raw).toString('hex')));
    if (loc.extraError !== null) out.badExtraItems++;
    // an SOS from a receiver without a fix still counts: the alarm keeps the report, not the position
    out.alarmReports.push({ ts: loc.ts, flags: loc.alarm >>> 0, lat: loc.positioned ? loc.lat : null, lon: loc.positioned ? loc.lon : null });
  }
  return out;
}
