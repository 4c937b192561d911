import { BadInputError } from '@rescue/common';
import { DATUMS, type Datum, FEATURE_KINDS, type FeatureKind, parseDatum } from '@rescue/geocode';

/** Query-string parsing for /geocode/*: a refusal is a BadInputError (400 with the DomainError body). */

export const MAX_QUERY_CHARS = 100;
export const MAX_LIMIT = 50;
export const DEFAULT_LIMIT = 10;
export const DEFAULT_ROAD_MAX_M = 1000;
export const MAX_ROAD_MAX_M = 10_000;

export function parseSearchText(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new BadInputError('q: 请输入地址或地名 (required: an address or a place name)', { field: 'q' });
  const q = raw.trim();
  if ([...q].length > MAX_QUERY_CHARS) throw new BadInputError(`q: 最多 ${MAX_QUERY_CHARS} 个字 (at most ${MAX_QUERY_CHARS} characters)`, { field: 'q' });
  return q;
}

function integer(name: string, raw: unknown, min: number, max: number, dflt: number): number {
  if (raw === undefined || raw === '') return dflt;
  const n = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new BadInputError(`${name}=${String(raw)}: 应为 ${min} 到 ${max} 的整数 (expected a whole number from ${min} to ${max})`, { field: name });
  return n;
}

export const parseLimit = (raw: unknown): number => integer('limit', raw, 1, MAX_LIMIT, DEFAULT_LIMIT);
export const parseRoadMaxM = (raw: unknown): number => integer('maxM', raw, 1, MAX_ROAD_MAX_M, DEFAULT_ROAD_MAX_M);

export function parseKinds(raw: unknown): FeatureKind[] {
  if (raw === undefined || raw === '') return [];
  if (typeof raw !== 'string') throw new BadInputError('kind: 只能给一次，用逗号分隔 (give it once, as a comma-separated list)', { field: 'kind' });
  const kinds = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = kinds.filter((k) => !(FEATURE_KINDS as readonly string[]).includes(k));
  if (bad.length > 0) throw new BadInputError(`kind: 未知类型 ${bad.join(', ')} (unknown ${bad.join(', ')}; expected some of ${FEATURE_KINDS.join(', ')})`, { field: 'kind' });
  return kinds as FeatureKind[];
}

export function parseCoordinate(name: 'lat' | 'lon', raw: unknown): number {
  const n = typeof raw === 'string' && /^\s*[+-]?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : Number.NaN;
  const max = name === 'lat' ? 90 : 180;
  if (!Number.isFinite(n) || Math.abs(n) > max) throw new BadInputError(`${name}=${String(raw)}: ${name === 'lat' ? '纬度' : '经度'}应在 ±${max} 之内 (expected decimal degrees within ±${max}, WGS-84)`, { field: name });
  return n;
}

export function parseCrs(raw: unknown): Datum {
  // Required: a wrong guess moves the point by hundreds of metres in China, silently.
  if (typeof raw !== 'string' || raw.trim() === '') throw new BadInputError(`crs: 请选择坐标系 (required: one of ${DATUMS.join(', ')}; AMap/Tencent show GCJ02, Baidu shows BD09, GPS devices WGS84)`, { field: 'crs' });
  return parseDatum(raw);
}

export function parseText(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new BadInputError('text: 请粘贴坐标 (required: the coordinates as copied from a map app)', { field: 'text' });
  return raw;
}
