import { parseTopic } from '@rescue/contracts';
import { resolveConfig, type ResolvedConfig } from './config';
import { decodeJson, decodeText, rawText, TOO_LARGE_RAW_BYTES } from './steps/decode';
import { refuseFuture, refuseNoGnssFix, refuseNullIsland, refusePoorAccuracy, refuseTooOld } from './steps/fix-filters';
import type { FixContext, FixStep } from './steps/fix-step';
import { MAX_SERIALISED_DEPTH, nestedDeeperThan, Refusal } from './steps/refusal';
import { convertToWgs84 } from './steps/to-wgs84';
import { measureTrackDistance } from './steps/track-distance';
import { refuseDuplicate, refuseSpeedJump } from './steps/track-filters';
import { OWNTRACKS_OFFLINE, validateOwnTracks } from './steps/validate-owntracks';
import { checkCandidateRanges, validatePositionFix } from './steps/validate-position';
import { isObject } from './steps/fields';
import { validateJt808 } from './steps/validate-jt808';
import { validatePresence } from './steps/validate-presence';
import { validateStatus } from './steps/validate-status';
import type { FixCandidate, PipelineOutput, Rejection, TelemetryConfig } from './types';
import { UnitTracks } from './unit-tracks';

/**
 * The ingest pipeline, pure part (no I/O). The order, for every message:
 *
 *   1. topic     parseTopic                       bad_topic
 *   2. decode    size, UTF-8, JSON                too_large, bad_json
 *   3. validate  schema and physical ranges,      schema, out_of_range, unsupported_type,
 *                per element of an array;         bad_frame (a relayed JT/T 808 body)
 *                JT/T 808 bodies decoded
 *   4. filter    FIX_STEPS below, per fix         no_gnss_fix, null_island, future, too_old, poor_accuracy,
 *                                                 (crs)
 *   5. track     TRACK_STEPS, per fix in time      duplicate, speed_jump
 *                order, against the unit's track;
 *                then the distance step (stepM)
 *   then the caller stores the accepted fixes and updates live state.
 *
 * The GCJ-02 → WGS-84 step ends the per-fix list: the unit's remembered fixes must all be WGS-84 for
 * the track steps. The whole batch goes through FIX_STEPS before TRACK_STEPS, so that the speed check
 * can look at the next fix of the batch that survived them (see refuseSpeedJump).
 *
 * One pipeline instance must see one unit's messages in order (the consumer partitions by unit); it is
 * not shared across threads. A bad message never throws out of process(): anything unexpected becomes
 * an `internal` rejection.
 */
export const FIX_STEPS: readonly FixStep[] = [
  // stateless, cheapest first
  refuseNoGnssFix,
  refuseNullIsland,
  refuseFuture,
  refuseTooOld,
  refusePoorAccuracy,
  // datum
  convertToWgs84,
];

/** Stateful: against the unit's accepted neighbours in time (and the batch's next fix). */
export const TRACK_STEPS: readonly FixStep[] = [refuseDuplicate, refuseSpeedJump, measureTrackDistance];

function byTime(a: FixCandidate, b: FixCandidate): number {
  return a.fix.ts - b.fix.ts;
}

/**
 * The dead-letter text of a value: strings as they are, decoded JSON re-serialised; the whole payload
 * when the element cannot be serialised again (nesting deeper than JSON.stringify's stack).
 */
function textOf(raw: unknown, fallback: string): string {
  if (typeof raw === 'string') return raw;
  if (nestedDeeperThan(raw, MAX_SERIALISED_DEPTH)) return fallback;
  try {
    return JSON.stringify(raw) ?? fallback;
  } catch {
    return fallback;
  }
}

/** rawText that cannot throw, for the last-resort catch (the payload may be what broke). */
function safeRawText(payload: unknown): string {
  try {
    return payload instanceof Uint8Array ? rawText(payload, TOO_LARGE_RAW_BYTES) : String(payload);
  } catch {
    return '';
  }
}

export class TelemetryPipeline {
  private readonly cfg: ResolvedConfig;
  private readonly tracks: UnitTracks;
  private readonly clock: () => number;

  constructor(cfg: TelemetryConfig, clock: () => number = Date.now) {
    this.cfg = resolveConfig(cfg);
    this.clock = clock;
    this.tracks = new UnitTracks(this.cfg.maxTrackedUnits, this.cfg.duplicateWindow);
  }

  /** Units whose state is currently kept (for a gauge). */
  get trackedUnits(): number {
    return this.tracks.size;
  }

  /**
   * One MQTT message. receivedAt (epoch ms) is the reference for the future/too_old limits, so that
   * a backlog replayed after a restart is judged by when it arrived, not by when it was processed;
   * the clock is used only when receivedAt is not a finite number.
   */
  process(topic: string, payload: Uint8Array, receivedAt: number): PipelineOutput {
    const out: PipelineOutput = { fixes: [], status: null, presence: null, rejections: [] };
    let unitId: string | null = null;
    try {
      const now = Number.isFinite(receivedAt) ? receivedAt : this.clock();
      const t = parseTopic(topic);
      if (t === null) {
        this.reject(out, new Refusal('bad_topic', `not an ingest topic: ${topic.slice(0, 200)}`), null, rawText(payload, TOO_LARGE_RAW_BYTES));
        return out;
      }
      unitId = t.unitId;
      const text = decodeText(payload, this.cfg.maxPayloadBytes);
      if (text instanceof Refusal) {
        this.reject(out, text, unitId, rawText(payload, TOO_LARGE_RAW_BYTES));
        return out;
      }
      if (t.kind === 'presence') {
        const online = validatePresence(text);
        if (online instanceof Refusal) this.reject(out, online, unitId, text);
        else out.presence = { unitId, online };
        return out;
      }
      const json = decodeJson(text);
      if (json instanceof Refusal) {
        this.reject(out, json, unitId, text);
        return out;
      }
      switch (t.kind) {
        case 'status':
          this.acceptStatus(out, json, unitId, text, now);
          return out;
        case 'position':
        case 'owntracks':
          this.acceptPositions(out, json, unitId, text, now, t.kind === 'owntracks');
          return out;
        case 'jt808': {
          // taken before validation: a refused message is durable too once its dead letter is stored
          if (isObject(json) && typeof json['receipt'] === 'string') out.receipt = json['receipt'].slice(0, 64);
          const d = validateJt808(json, unitId);
          if (d instanceof Refusal) this.reject(out, d, unitId, text);
          else {
            if (d.badExtraItems > 0) out.badExtraItems = d.badExtraItems;
            const alarms = d.alarmReports.filter((r) => r.ts - now <= this.cfg.maxFutureMs && now - r.ts <= this.cfg.maxAgeMs);
            if (alarms.length > 0) out.alarmReports = alarms.map((r) => ({ ...r, unitId: t.unitId }));
            this.rangeCheckAndFilter(out, d.candidates, unitId, now);
          }
          return out;
        }
      }
    } catch (e) {
      // never reached by a bad message; a bug must still not stop ingest
      this.reject(out, new Refusal('internal', e instanceof Error ? `${e.name}: ${e.message}` : String(e)), unitId, safeRawText(payload));
    }
    return out;
  }

  /**
   * Fixes decoded elsewhere (JT/T 808 reports via jt808LocationToCandidate) through the same filters.
   * All candidates must belong to unitId.
   */
  processFixes(unitId: string, candidates: FixCandidate[], receivedAt: number): PipelineOutput {
    const out: PipelineOutput = { fixes: [], status: null, presence: null, rejections: [] };
    try {
      const now = Number.isFinite(receivedAt) ? receivedAt : this.clock();
      this.rangeCheckAndFilter(out, candidates, unitId, now);
    } catch (e) {
      this.reject(out, new Refusal('internal', e instanceof Error ? `${e.name}: ${e.message}` : String(e)), unitId, '');
    }
    return out;
  }

  /** The JSON path range-checks in its validators; candidates from binary decoders are checked here. */
  private rangeCheckAndFilter(out: PipelineOutput, candidates: FixCandidate[], unitId: string, now: number): void {
    const inRange: FixCandidate[] = [];
    for (const c of candidates) {
      const r = checkCandidateRanges(c);
      if (r === null) inRange.push(c);
      else this.reject(out, r, unitId, textOf(c.raw, ''));
    }
    if (inRange.length > 0) this.filterFixes(out, inRange, unitId, now);
  }

  private acceptStatus(out: PipelineOutput, json: unknown, unitId: string, text: string, now: number): void {
    const s = validateStatus(json, unitId);
    if (s instanceof Refusal) return this.reject(out, s, unitId, text);
    // Only the clock-skew check: a late status (buffered offline) still dates a lifecycle step,
    // and the indicators need it; whether it applies is the lifecycle's decision.
    if (s.ts - now > this.cfg.maxFutureMs) {
      return this.reject(out, new Refusal('future', `ts ${s.ts} is ${Math.round((s.ts - now) / 1000)} s after reception`), unitId, text);
    }
    out.status = s;
  }

  private acceptPositions(out: PipelineOutput, json: unknown, unitId: string, text: string, now: number, owntracks: boolean): void {
    const many = Array.isArray(json);
    if (many && json.length === 0) return this.reject(out, new Refusal('schema', 'empty array'), unitId, text);
    const elements: readonly unknown[] = many ? json : [json];
    const candidates: FixCandidate[] = [];
    for (let i = 0; i < elements.length; i++) {
      const el = elements[i];
      // raw of a single message is its text; of an array element, the element (stringified if refused)
      const raw = many ? el : text;
      const v = owntracks ? validateOwnTracks(el, unitId, raw) : validatePositionFix(el, unitId, raw);
      // an element too deep to re-serialise keeps the payload's head, not the whole payload: N such
      // elements would otherwise store N copies of it as dead letters (found by fuzzing)
      if (v instanceof Refusal) this.reject(out, v, unitId, many ? textOf(el, text.slice(0, TOO_LARGE_RAW_BYTES)) : text);
      else if (v === OWNTRACKS_OFFLINE) out.presence = { unitId, online: false };
      else candidates.push(v);
    }
    if (candidates.length > 0) this.filterFixes(out, candidates, unitId, now);
  }

  private filterFixes(out: PipelineOutput, candidates: FixCandidate[], unitId: string, now: number): void {
    // Re-uploads come in any order: in time order each fix meets its true predecessor in the window.
    if (candidates.length > 1) candidates.sort(byTime);
    const ctx: FixContext = { cfg: this.cfg, now, track: this.tracks.touch(unitId), next: null, afterNext: null };
    const survivors: FixCandidate[] = [];
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      const r = this.runSteps(FIX_STEPS, c, ctx);
      if (r !== null) this.reject(out, r, unitId, textOf(c.raw, ''));
      else survivors.push(c);
    }
    let n = 0; // first survivor strictly later than the one judged: the look-ahead
    for (let i = 0; i < survivors.length; i++) {
      const c = survivors[i]!;
      while (n < survivors.length && survivors[n]!.fix.ts <= c.fix.ts) n++;
      ctx.next = n < survivors.length ? survivors[n]!.fix : null;
      ctx.afterNext = n + 1 < survivors.length ? survivors[n + 1]!.fix : null;
      const r = this.runSteps(TRACK_STEPS, c, ctx);
      if (r !== null) {
        this.reject(out, r, unitId, textOf(c.raw, ''));
        continue;
      }
      ctx.track.remember(c.fix);
      out.fixes.push(c.fix);
    }
  }

  private runSteps(steps: readonly FixStep[], c: FixCandidate, ctx: FixContext): Refusal | null {
    for (let s = 0; s < steps.length; s++) {
      const r = steps[s]!(c, ctx);
      if (r !== null) return r;
    }
    return null;
  }

  private reject(out: PipelineOutput, r: Refusal, unitId: string | null, raw: string): void {
    const rejection: Rejection = { reason: r.reason, detail: r.detail, unitId, raw };
    out.rejections.push(rejection);
  }
}
