import type { TelemetryConfig } from './types';

/** TelemetryConfig with defaults applied and limits turned into the units the steps compare in. */
export interface ResolvedConfig {
  maxPayloadBytes: number;
  maxFutureMs: number;
  maxAgeMs: number;
  maxSpeedKmh: number;
  maxAccuracyM: number;
  duplicateWindow: number;
  maxTrackedUnits: number;
  speedJumpReanchorAfter: number;
}

export const TELEMETRY_DEFAULTS = {
  /** 16 fixes ≈ the last 1-3 minutes of a moving unit: covers QoS 1 redeliveries and short re-uploads. */
  duplicateWindow: 16,
  /** Far above any centre's fleet (Beijing 120 runs ~500 ambulances); bounds memory to ~10 MB. */
  maxTrackedUnits: 20_000,
  speedJumpReanchorAfter: 3,
} as const;

function positive(name: string, v: number, integer = false): number {
  if (!(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new RangeError(`TelemetryConfig.${name}: expected a positive ${integer ? 'integer' : 'number'}, got ${v}`);
  }
  return v;
}

/** Throws on a bad configuration: that is a start-up error, unlike a bad message. */
export function resolveConfig(cfg: TelemetryConfig): ResolvedConfig {
  return {
    maxPayloadBytes: positive('maxPayloadBytes', cfg.maxPayloadBytes, true),
    maxFutureMs: (cfg.maxFutureS === 0 ? 0 : positive('maxFutureS', cfg.maxFutureS)) * 1000,
    maxAgeMs: positive('maxAgeS', cfg.maxAgeS) * 1000,
    maxSpeedKmh: positive('maxSpeedKmh', cfg.maxSpeedKmh),
    maxAccuracyM: positive('maxAccuracyM', cfg.maxAccuracyM),
    duplicateWindow: positive('duplicateWindow', cfg.duplicateWindow ?? TELEMETRY_DEFAULTS.duplicateWindow, true),
    maxTrackedUnits: positive('maxTrackedUnits', cfg.maxTrackedUnits ?? TELEMETRY_DEFAULTS.maxTrackedUnits, true),
    speedJumpReanchorAfter: positive(
      'speedJumpReanchorAfter',
      cfg.speedJumpReanchorAfter ?? TELEMETRY_DEFAULTS.speedJumpReanchorAfter,
      true,
    ),
  };
}
