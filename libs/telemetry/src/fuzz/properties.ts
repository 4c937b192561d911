import { isUnitId, owntracksTopic, parseTopic, positionTopic, presenceTopic, statusTopic } from '@rescue/contracts';
import { jt808Unescape } from '../jt808/framing';
import { decodeJt808Frame } from '../jt808/decode';
import { jt808LocationToCandidate } from '../jt808/to-fix';
import { JT808_ERROR_CODES, type Jt808Location } from '../jt808/types';
import type { TelemetryPipeline } from '../pipeline';
import { TOO_LARGE_RAW_BYTES } from '../steps/decode';
import { REJECT_REASONS, type PipelineOutput, type TelemetryConfig } from '../types';

/**
 * The properties every decoder must hold on any input. Each check returns the outcome labels of the
 * input (for the per-reason counts of `npm run fuzz`) or throws a FuzzViolation naming the broken
 * property; fast-check then shrinks the input and prints it with the seed to replay it.
 * Plain comparisons rather than Jest's expect: they run ~10^5-10^6 times and must be cheap.
 */

export class FuzzViolation extends Error {
  override name = 'FuzzViolation';
}

function must(cond: boolean, what: string): asserts cond {
  if (!cond) throw new FuzzViolation(what);
}

/** Longest detail accepted: details go to the dead-letter table and to logs. */
export const MAX_DETAIL_CHARS = 512;
/**
 * Dead-letter bytes one message may produce, relative to its size. A refused array element is kept as
 * its re-serialised JSON, which can be longer than its source text (`1e20` → `100000000000000000000`:
 * 5 chars of `[1e20,…` become 21), hence a factor rather than 1; anything proportional to
 * elements × payload (a copy of the whole payload per element) is a violation.
 */
export const RAW_EXPANSION = 6;

const REASONS = new Set<string>(REJECT_REASONS);
const JT_CODES = new Set<string>(JT808_ERROR_CODES);

export interface MqttInput {
  topic: string;
  payload: Uint8Array;
  receivedAt: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Elements a position/OwnTracks payload holds, and how many are OwnTracks Last Wills; null if not JSON. */
function elementsOf(payload: Uint8Array, owntracks: boolean): { n: number; lwt: number } | null {
  let v: unknown;
  try {
    v = JSON.parse(strictUtf8.decode(payload));
  } catch {
    return null;
  }
  const els = Array.isArray(v) ? v : [v];
  let lwt = 0;
  if (owntracks) for (const e of els) if (typeof e === 'object' && e !== null && !Array.isArray(e) && (e as Record<string, unknown>)['_type'] === 'lwt') lwt++;
  return { n: Array.isArray(v) && v.length === 0 ? 1 : els.length, lwt };
}

/** TelemetryPipeline.process on one MQTT message. */
export function checkProcess(p: TelemetryPipeline, cfg: TelemetryConfig, input: MqttInput): string[] {
  let o: PipelineOutput;
  try {
    o = p.process(input.topic, input.payload, input.receivedAt);
  } catch (e) {
    throw new FuzzViolation(`process threw: ${String(e)}`);
  }
  const t = parseTopic(input.topic);
  const labels: string[] = [];
  let rawTotal = 0;
  for (const r of o.rejections) {
    must(REASONS.has(r.reason), `unknown reason ${String(r.reason)}`);
    must(r.reason !== 'internal', `internal rejection (a bug caught by process): ${r.detail}`);
    must(typeof r.detail === 'string' && r.detail.length > 0 && r.detail.length <= MAX_DETAIL_CHARS, `detail of ${r.detail.length} chars for ${r.reason}`);
    must(r.unitId === (t === null ? null : t.unitId), `rejection unitId ${r.unitId} for topic ${input.topic}`);
    must(typeof r.raw === 'string' && r.raw.length <= Math.max(input.payload.byteLength * RAW_EXPANSION, TOO_LARGE_RAW_BYTES), `raw of ${r.raw.length} chars for a ${input.payload.byteLength}-byte payload`);
    rawTotal += r.raw.length;
    labels.push(r.reason);
  }
  must(rawTotal <= input.payload.byteLength * RAW_EXPANSION + TOO_LARGE_RAW_BYTES, `${o.rejections.length} rejections keep ${rawTotal} chars of raw for a ${input.payload.byteLength}-byte payload`);
  for (const f of o.fixes) {
    must(f.unitId === t?.unitId, `fix for ${f.unitId} on topic ${input.topic}`);
    must(Number.isSafeInteger(f.ts) && f.lat >= -90 && f.lat <= 90 && f.lon >= -180 && f.lon <= 180, `accepted fix out of range: ${JSON.stringify(f)}`);
    labels.push('accepted_fix');
  }
  if (o.status !== null) labels.push('accepted_status');
  if (o.presence !== null) labels.push(o.presence.online ? 'accepted_online' : 'accepted_offline');
  must(p.trackedUnits <= (cfg.maxTrackedUnits ?? Infinity), `${p.trackedUnits} tracked units > maxTrackedUnits`);

  // accounting: exactly one outcome per message, or per element of a position/OwnTracks array
  const outcomes = o.fixes.length + o.rejections.length;
  if (t === null || input.payload.byteLength > cfg.maxPayloadBytes) {
    must(o.rejections.length === 1 && o.fixes.length === 0 && o.status === null && o.presence === null, 'refused message with other outcomes');
    must(o.rejections[0]!.reason === (t === null ? 'bad_topic' : 'too_large'), `expected ${t === null ? 'bad_topic' : 'too_large'}, got ${o.rejections[0]!.reason}`);
    must(o.rejections[0]!.raw.length <= TOO_LARGE_RAW_BYTES, `raw of ${o.rejections[0]!.raw.length} chars kept for an unread payload`);
  } else if (t.kind === 'position' || t.kind === 'owntracks') {
    const els = elementsOf(input.payload, t.kind === 'owntracks');
    if (els === null) must(outcomes === 1 && o.rejections.length === 1, `not JSON but ${outcomes} outcomes`);
    else {
      must(outcomes === els.n - els.lwt, `${els.n} elements (${els.lwt} lwt) but ${outcomes} fixes + rejections`);
      must((o.presence !== null) === els.lwt > 0, 'presence without an lwt element, or the converse');
    }
    must(o.status === null, 'status out of a position topic');
  } else {
    must(outcomes + (o.status ? 1 : 0) + (o.presence ? 1 : 0) === 1 && o.fixes.length === 0, `a ${t.kind} message gave ${labels.join(',')}`);
  }
  return labels.length > 0 ? labels : ['presence_only'];
}

/** decodeJt808Frame on one frame; decoded locations go on through processFixes. */
export function checkJt808(p: TelemetryPipeline, frame: Uint8Array, receivedAt: number): string[] {
  let r: ReturnType<typeof decodeJt808Frame>;
  try {
    r = decodeJt808Frame(frame);
  } catch (e) {
    throw new FuzzViolation(`decodeJt808Frame threw: ${String(e)}`);
  }
  if (!r.ok) {
    must(JT_CODES.has(r.error.code), `unknown JT/T 808 error code ${String(r.error.code)}`);
    must(typeof r.error.detail === 'string' && r.error.detail.length > 0 && r.error.detail.length <= MAX_DETAIL_CHARS, `detail of ${r.error.detail.length} chars`);
    return [`jt808_${r.error.code}`];
  }
  const m = r.message;
  // accepted only if canonical: delimiters, valid escapes and a checksum that matches
  const inner = jt808Unescape(frame.subarray(1, frame.length - 1));
  must(typeof inner !== 'string', 'accepted a frame whose escaping is broken');
  let x = 0;
  for (let i = 0; i < inner.length - 1; i++) x ^= inner[i]!;
  must(x === m.checksum && inner[inner.length - 1] === m.checksum, 'accepted a frame with a wrong checksum');
  must(m.header.bodyLength <= 0x3ff && m.header.bodyLength < frame.length, `body length ${m.header.bodyLength} for a ${frame.length}-byte frame`);
  must(/^\d+$/.test(m.header.phone), `phone ${m.header.phone} is not digits`);
  const body = m.body;
  let locations: Jt808Location[] = [];
  if (body.kind === 'location') locations = [body.location];
  else if (body.kind === 'location_batch') locations = body.locations;
  else if ('bytes' in body) must(body.bytes.length <= m.header.bodyLength, 'opaque body longer than declared');
  // output bounded by the input: a location is ≥ 28 bytes, an extra item ≥ 2
  must(locations.length * 28 <= m.header.bodyLength, `${locations.length} locations from a ${m.header.bodyLength}-byte body`);
  for (const loc of locations) {
    must(loc.extras.length * 2 <= m.header.bodyLength, `${loc.extras.length} extras from a ${m.header.bodyLength}-byte body`);
    must(Number.isFinite(loc.lat) && Number.isFinite(loc.lon) && Number.isSafeInteger(loc.ts), `non-finite location ${JSON.stringify(loc)}`);
    must(Math.abs(loc.lat) <= 4294.967295 && Math.abs(loc.lon) <= 4294.967295, 'DWORD × 1e-6 out of its range');
  }
  if (locations.length === 0) return [`jt808_ok_${body.kind}`];
  // DWORD lat/lon reach 4294°: the pipeline, not the decoder, must refuse them
  // one unit per terminal, as ingest maps them (the phone number identifies the terminal)
  const unitId = `jt808-${m.header.phone}`;
  const candidates = locations.map((loc) => jt808LocationToCandidate(loc, unitId, 'frame'));
  let o: PipelineOutput;
  try {
    o = p.processFixes(unitId, candidates, receivedAt);
  } catch (e) {
    throw new FuzzViolation(`processFixes threw: ${String(e)}`);
  }
  must(o.fixes.length + o.rejections.length === candidates.length, `${candidates.length} locations but ${o.fixes.length} fixes + ${o.rejections.length} rejections`);
  const labels = [`jt808_ok_${body.kind}`];
  for (const rej of o.rejections) {
    must(REASONS.has(rej.reason) && rej.reason !== 'internal', `processFixes rejection ${rej.reason}: ${rej.detail}`);
    labels.push(`jt808_fix_${rej.reason}`);
  }
  for (const f of o.fixes) {
    must(f.lat >= -90 && f.lat <= 90 && f.lon >= -180 && f.lon <= 180, `JT/T 808 fix out of range accepted: ${f.lat}, ${f.lon}`);
    labels.push('jt808_fix_accepted');
  }
  return labels;
}

/** parseTopic: never throws; what it accepts is a safe unit id and maps back to the same topic (one-to-one). */
export function checkTopic(topic: string): string[] {
  let t: ReturnType<typeof parseTopic>;
  try {
    t = parseTopic(topic);
  } catch (e) {
    throw new FuzzViolation(`parseTopic threw: ${String(e)}`);
  }
  if (t === null) return ['topic_refused'];
  must(isUnitId(t.unitId), `unit id ${JSON.stringify(t.unitId)} breaks the unit id rule`);
  const back =
    t.kind === 'owntracks'
      ? owntracksTopic(t.user, t.device)
      : t.kind === 'position'
        ? positionTopic(t.unitId)
        : t.kind === 'status'
          ? statusTopic(t.unitId)
          : presenceTopic(t.unitId);
  must(back === topic, `${topic} parsed to ${JSON.stringify(t)}, which maps back to ${back}`);
  if (t.kind === 'owntracks') {
    const dash = t.unitId.indexOf('-');
    must(t.unitId.slice(0, dash) === t.user && t.unitId.slice(dash + 1) === t.device, `owntracks unit id ${t.unitId} is ambiguous`);
  }
  return [`topic_${t.kind}`];
}
