/**
 * Parsing of one cell into a typed value. Each parser returns the value or a `Problem` saying, in the
 * words a centre's staff read, what was expected. Chinese first, English in brackets.
 */
export class Problem {
  constructor(readonly message: string) {}
}

export type Parsed<T> = T | Problem;

export const isProblem = (v: unknown): v is Problem => v instanceof Problem;

export function text(raw: string, maxLen = 200): Parsed<string> {
  if (raw.length > maxLen) return new Problem(`超过 ${maxLen} 个字符 (longer than ${maxLen} characters)`);
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(raw)) return new Problem('含控制字符 (control characters)');
  return raw;
}

export function number(raw: string, min: number, max: number): Parsed<number> {
  const v = Number(raw.replace(/,/g, ''));
  if (raw === '' || !Number.isFinite(v)) return new Problem(`不是数字: "${raw}" (not a number)`);
  if (v < min || v > max) return new Problem(`${v} 超出范围 [${min}, ${max}] (out of range)`);
  return v;
}

/** A list in one cell: separated by ; , 、 | or whitespace, as Chinese spreadsheets write them. */
export function list(raw: string): string[] {
  return raw.split(/[;,，；、|/\s]+/).map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * A vocabulary: canonical code ← its accepted spellings (lower-cased). Unknown words are an error, so
 * a typo in 负压 never becomes a silently missing capability.
 */
export function vocabulary(raw: string, words: Readonly<Record<string, readonly string[]>>, what: string): Parsed<string[]> {
  const out: string[] = [];
  for (const w of list(raw)) {
    const key = w.toLowerCase();
    const code = Object.keys(words).find((c) => c === key || words[c]!.some((s) => s.toLowerCase() === key));
    if (!code) return new Problem(`未知${what} "${w}"，可用: ${Object.entries(words).map(([c, s]) => `${s[0] ?? c} (${c})`).join(', ')}`);
    if (!out.includes(code)) out.push(code);
  }
  return out;
}

export function oneOf(raw: string, words: Readonly<Record<string, readonly string[]>>, what: string): Parsed<string> {
  const v = vocabulary(raw, { ...words }, what);
  if (isProblem(v)) return v;
  if (v.length !== 1) return new Problem(`${what}只能填一个值: "${raw}"`);
  return v[0]!;
}

/** Hours east of UTC of times written without a zone: the dispatch systems' exports are in Beijing time. */
export const DEFAULT_UTC_OFFSET_H = 8;

const LOCAL = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.(\d{1,3}))?)?秒?)?$/;

/**
 * A time as epoch ms. Accepted: `2026-11-03 08:12:33` (also with / or . or 年月日, seconds optional,
 * taken as Beijing time unless `utcOffsetH` says otherwise), ISO 8601 with a zone, and Excel date cells
 * (exceljs hands them over as the wall-clock time in UTC fields).
 */
export function timestamp(raw: string, utcOffsetH = DEFAULT_UTC_OFFSET_H): Parsed<number> {
  if (raw.startsWith('excel-date:')) {
    const t = Date.parse(raw.slice('excel-date:'.length));
    return Number.isFinite(t) ? t - utcOffsetH * 3_600_000 : new Problem(`无法识别的时间 "${raw}"`);
  }
  const m = LOCAL.exec(raw.trim());
  if (m) {
    const [y, mo, d, h, mi, s, ms] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
    if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || s! > 59) return new Problem(`不存在的时间 "${raw}" (no such time)`);
    const t = Date.UTC(y!, mo! - 1, d!, h, mi, s, ms) - utcOffsetH * 3_600_000;
    if (new Date(t + utcOffsetH * 3_600_000).getUTCDate() !== d) return new Problem(`不存在的日期 "${raw}" (no such date)`);
    return t;
  }
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(raw)) {
    const t = Date.parse(raw);
    if (Number.isFinite(t)) return t;
  }
  return new Problem(`无法识别的时间 "${raw}"，应为 2026-11-03 08:12:33 (expected a date and time)`);
}
