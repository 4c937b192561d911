import { CoverageError } from './errors';

/**
 * What "reached in time" means for one area class. Every limit given must hold; at least one is
 * required. Road limits are measured along the network from the station; the straight-line limit
 * is the great-circle distance (the "service radius" of the 2020 national guidance).
 */
export interface AreaLimit {
  maxTimeS?: number;
  maxRoadM?: number;
  maxStraightM?: number;
}

/** Key of the limit that applies to any class not listed. */
export const ANY_CLASS = '*';

export interface CoverageRule {
  id: string;
  name: string;
  /** Where the numbers come from, or that they are a local default (shown in every report). */
  source: string;
  /** Limits per area class ('urban', 'rural', 'central', ... or '*'). */
  limits: Record<string, AreaLimit>;
  /**
   * Area classes of the map renamed into the rule's classes, e.g. the fallback's 'urban' read as
   * Beijing's 'central'. Applied before looking a class up in `limits`.
   */
  aliases?: Record<string, string>;
}

const min = (m: number): number => m * 60;

/** Presets; README.md gives each source. Numbers are configuration, never hard-coded elsewhere. */
export const RULE_PRESETS: Readonly<Record<string, CoverageRule>> = {
  'rescue-circle-15': {
    id: 'rescue-circle-15',
    name: '15-minute rescue circle (15分钟急救圈)',
    source: 'Local policy wording used by many Chinese cities; no national text. 15 min road travel everywhere.',
    limits: { [ANY_CLASS]: { maxTimeS: min(15) } },
  },
  '1030': {
    id: '1030',
    name: '1030 principle (1030原则)',
    source:
      'No national text defines it. Documented default interpretation: urban 10 min, rural 30 min of road travel. A centre may change it with a custom rule.',
    limits: { urban: { maxTimeS: min(10) }, rural: { maxTimeS: min(30) } },
  },
  'national-2020': {
    id: 'national-2020',
    name: 'National service radius by road (国卫医发〔2020〕19号)',
    source: 'National guidance 2020 (targets for 2025): service radius urban ≤ 5 km, rural 10–20 km (upper bound 20 km used); measured along roads.',
    limits: { urban: { maxRoadM: 5000 }, rural: { maxRoadM: 20000 } },
  },
  'national-2020-straight': {
    id: 'national-2020-straight',
    name: 'National service radius, straight line (国卫医发〔2020〕19号)',
    source: 'National guidance 2020: service radius urban ≤ 5 km, rural ≤ 20 km, measured as straight-line distance from the station.',
    limits: { urban: { maxStraightM: 5000 }, rural: { maxStraightM: 20000 } },
  },
  'beijing-2011': {
    id: 'beijing-2011',
    name: 'Beijing 2011 arrival targets',
    source: 'Beijing local targets (2011): central ≤ 15 min, suburbs ≤ 20 min, remote mountain areas ≤ 30 min. Fallback classes map urban→central, rural→remote.',
    limits: { central: { maxTimeS: min(15) }, suburb: { maxTimeS: min(20) }, remote: { maxTimeS: min(30) } },
    aliases: { urban: 'central', rural: 'remote' },
  },
};

/** A preset by name, or a custom rule given as JSON text / object. */
export function resolveRule(spec: string | unknown): CoverageRule {
  if (typeof spec === 'string') {
    // Own keys only: "constructor" or "toString" must not find Object.prototype's functions.
    const preset = Object.hasOwn(RULE_PRESETS, spec) ? RULE_PRESETS[spec] : undefined;
    if (preset) return preset;
    const text = spec.trim();
    if (!text.startsWith('{')) throw new CoverageError('BAD_RULE', `unknown rule "${spec}": expected one of ${Object.keys(RULE_PRESETS).join(', ')} or a JSON rule`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new CoverageError('BAD_RULE', `rule JSON does not parse: ${(e as Error).message}`);
    }
    return parseRule(parsed);
  }
  return parseRule(spec);
}

const LIMIT_KEYS = ['maxTimeS', 'maxRoadM', 'maxStraightM'] as const;

/** Validate a custom rule: every class has at least one positive finite limit, nothing unknown. */
export function parseRule(raw: unknown): CoverageRule {
  const bad = (msg: string): never => {
    throw new CoverageError('BAD_RULE', msg);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('rule: expected an object {id, limits: {class: {maxTimeS|maxRoadM|maxStraightM}}}');
  const r = raw as Record<string, unknown>;
  const id = typeof r['id'] === 'string' && r['id'].trim() !== '' ? r['id'].trim() : 'custom';
  const limitsRaw = r['limits'];
  if (typeof limitsRaw !== 'object' || limitsRaw === null || Array.isArray(limitsRaw)) return bad('rule.limits: expected an object keyed by area class');
  const limits: Record<string, AreaLimit> = {};
  for (const [cls, l] of Object.entries(limitsRaw as Record<string, unknown>)) {
    if (cls.trim() === '') bad('rule.limits: empty area class name');
    if (cls === '__proto__') bad('rule.limits.__proto__: not an area class name');
    if (typeof l !== 'object' || l === null || Array.isArray(l)) return bad(`rule.limits.${cls}: expected an object`);
    const lim: AreaLimit = {};
    for (const [k, v] of Object.entries(l as Record<string, unknown>)) {
      if (!(LIMIT_KEYS as readonly string[]).includes(k)) bad(`rule.limits.${cls}.${k}: unknown limit (expected ${LIMIT_KEYS.join(', ')})`);
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) bad(`rule.limits.${cls}.${k}: expected a positive number`);
      lim[k as (typeof LIMIT_KEYS)[number]] = v as number;
    }
    if (Object.keys(lim).length === 0) bad(`rule.limits.${cls}: give at least one of ${LIMIT_KEYS.join(', ')}`);
    if (lim.maxTimeS !== undefined && lim.maxTimeS > 4 * 3600) bad(`rule.limits.${cls}.maxTimeS: at most 4 h (14400 s)`);
    limits[cls] = lim;
  }
  if (Object.keys(limits).length === 0) bad('rule.limits: at least one area class');
  const aliases: Record<string, string> = {};
  if (r['aliases'] !== undefined) {
    if (typeof r['aliases'] !== 'object' || r['aliases'] === null) bad('rule.aliases: expected an object {mapClass: ruleClass}');
    for (const [from, to] of Object.entries(r['aliases'] as Record<string, unknown>)) {
      if (typeof to !== 'string' || !Object.hasOwn(limits, to) || from === '__proto__') bad(`rule.aliases.${from}: must name a class of rule.limits`);
      aliases[from] = to as string;
    }
  }
  return {
    id,
    name: typeof r['name'] === 'string' ? r['name'] : id,
    source: typeof r['source'] === 'string' ? r['source'] : 'custom rule supplied by the centre',
    limits,
    ...(Object.keys(aliases).length ? { aliases } : {}),
  };
}

/** The rule class an area class falls under, or null when the rule has no limit for it. */
export function ruleClassOf(rule: CoverageRule, areaClass: string): string | null {
  // Own keys only: an area class named "toString" or "constructor" (planner polygons, CSV) is no rule class.
  const alias = rule.aliases && Object.hasOwn(rule.aliases, areaClass) ? rule.aliases[areaClass] : undefined;
  const c = alias ?? areaClass;
  if (Object.hasOwn(rule.limits, c)) return c;
  return Object.hasOwn(rule.limits, ANY_CLASS) ? ANY_CLASS : null;
}

export function limitOf(rule: CoverageRule, areaClass: string): AreaLimit {
  const c = ruleClassOf(rule, areaClass);
  if (c === null) throw new CoverageError('BAD_RULE', `rule ${rule.id} has no limit for area class "${areaClass}" (classes: ${Object.keys(rule.limits).join(', ')}); add it or an alias`);
  return rule.limits[c]!;
}

/** Largest time and road distance any class allows: the bound of the searches from a station. */
export function ruleBounds(rule: CoverageRule): { maxTimeS: number | null; maxRoadM: number | null; maxStraightM: number | null } {
  let t: number | null = null;
  let d: number | null = null;
  let s: number | null = null;
  for (const l of Object.values(rule.limits)) {
    if (l.maxTimeS !== undefined) t = Math.max(t ?? 0, l.maxTimeS);
    if (l.maxRoadM !== undefined) d = Math.max(d ?? 0, l.maxRoadM);
    if (l.maxStraightM !== undefined) s = Math.max(s ?? 0, l.maxStraightM);
  }
  return { maxTimeS: t, maxRoadM: d, maxStraightM: s };
}

/** Whether one trip meets a limit (Infinity = not reached). */
export function meets(limit: AreaLimit, timeS: number, roadM: number, straightM: number): boolean {
  return (
    (limit.maxTimeS === undefined || timeS <= limit.maxTimeS) &&
    (limit.maxRoadM === undefined || roadM <= limit.maxRoadM) &&
    (limit.maxStraightM === undefined || straightM <= limit.maxStraightM)
  );
}
