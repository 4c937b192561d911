/**
 * The kinds of configuration key: each declaration carries its environment variable, unit, default,
 * range and doc, and knows how to read and check its value. keys.ts declares every key with these;
 * the AppConfig type, loadConfig() and the README table all come from those declarations.
 */
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

/** What a key's default or value may depend on: read before the keys themselves. */
export interface Context {
  /** No MQTT_URL: the embedded aedes broker runs. */
  embedded: boolean;
  dataDir: string;
  /** Credentials given in the userinfo of MQTT_URL (mqtt://user:pass@host). */
  mqttUserinfo: { username: string | null; password: string | null };
}

/** A default computed from the context, with how the README states it. */
export interface Derived<T> {
  text: string;
  from(ctx: Context): T;
}

export interface Key<T> {
  env: string;
  doc: string;
  /** Unit of a number (bytes, s, ms, km/h, m, …); '' where none applies. */
  unit: string;
  /** The default as the README states it. */
  defaultText: string;
  /** The accepted values as the README states them. */
  rangeText: string;
  /** Never printed: passwords. */
  secret: boolean;
  read(env: Env, ctx: Context): T;
}

export type ValueOf<K> = K extends Key<infer T> ? T : never;

const unset = (raw: string | undefined): raw is undefined => raw === undefined || raw.trim() === '';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
/** 65536 → "64 KiB": byte sizes read as the README writes them. */
function bytes(n: number): string {
  if (n >= GiB && n % GiB === 0) return `${n / GiB} GiB`;
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n}`;
}

interface IntSpec {
  env: string;
  default: number;
  min: number;
  max: number;
  unit: string;
  doc: string;
}

/** An integer in [min, max]. */
export function int(s: IntSpec): Key<number> {
  if (!Number.isInteger(s.default) || s.default < s.min || s.default > s.max) throw new Error(`${s.env}: default ${s.default} outside [${s.min}, ${s.max}]`);
  const isBytes = s.unit.startsWith('bytes');
  const show = (n: number) => (isBytes ? bytes(n) : `${n}`);
  return {
    env: s.env,
    doc: s.doc,
    unit: s.unit,
    defaultText: isBytes && s.default >= KiB ? `${s.default} (${bytes(s.default)})` : `${s.default}`,
    rangeText: s.max === Number.MAX_SAFE_INTEGER ? `≥ ${show(s.min)}` : `${show(s.min)} – ${show(s.max)}`,
    secret: false,
    read(env) {
      const raw = env[s.env];
      if (unset(raw)) return s.default;
      const v = Number(raw);
      if (!Number.isInteger(v) || v < s.min || v > s.max) throw new ConfigError(`${s.env}=${raw}: expected an integer in [${s.min}, ${s.max}]`);
      return v;
    },
  };
}

/** true/false (also 1/0, yes/no, on/off). */
export function flag(s: { env: string; default: boolean | Derived<boolean>; doc: string }): Key<boolean> {
  return {
    env: s.env,
    doc: s.doc,
    unit: '',
    defaultText: typeof s.default === 'boolean' ? `${s.default}` : s.default.text,
    rangeText: 'true, false',
    secret: false,
    read(env, ctx) {
      const raw = env[s.env];
      if (unset(raw)) return typeof s.default === 'boolean' ? s.default : s.default.from(ctx);
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw new ConfigError(`${s.env}=${raw}: expected true or false`);
    },
  };
}

/** One of a fixed list of words. */
export function choice<const T extends string>(s: { env: string; values: readonly T[]; default: T; doc: string }): Key<T> {
  return {
    env: s.env,
    doc: s.doc,
    unit: '',
    defaultText: s.default,
    rangeText: s.values.map((v) => `\`${v}\``).join(', '),
    secret: false,
    read(env) {
      const raw = env[s.env];
      if (unset(raw)) return s.default;
      if (!(s.values as readonly string[]).includes(raw)) throw new ConfigError(`${s.env}=${raw}: expected one of ${s.values.join(', ')}`);
      return raw as T;
    },
  };
}

interface TextSpec<T> {
  env: string;
  doc: string;
  /** The accepted values, where parse checks more than "any text". */
  rangeText?: string;
  /** What an unset key means, where the default is null: e.g. "(embedded PGlite)". */
  defaultText?: string;
  /** Checks and converts the trimmed value; throws ConfigError on a bad one. */
  parse?: (value: string, ctx: Context) => T;
}

/** Trimmed text; unset or blank takes the default. */
export function text(s: TextSpec<string> & { default: string | Derived<string> }): Key<string>;
export function text<T = string>(s: TextSpec<T> & { default: Derived<T | null> | null }): Key<T | null>;
export function text<T>(s: TextSpec<T> & { default: string | Derived<string> | Derived<T | null> | null }): Key<T | string | null> {
  return {
    env: s.env,
    doc: s.doc,
    unit: '',
    defaultText: s.defaultText ?? (s.default === null ? '(none)' : typeof s.default === 'string' ? s.default : s.default.text),
    rangeText: s.rangeText ?? '',
    secret: false,
    read(env, ctx) {
      const raw = env[s.env];
      if (unset(raw)) return s.default === null || typeof s.default === 'string' ? s.default : s.default.from(ctx);
      const value = raw.trim();
      return s.parse ? s.parse(value, ctx) : value;
    },
  };
}

/** A password: taken as given (spaces count), never printed. */
export function secret(s: { env: string; default: Derived<string | null> | null; doc: string }): Key<string | null> {
  return {
    env: s.env,
    doc: s.doc,
    unit: '',
    defaultText: s.default === null ? '(none)' : s.default.text,
    rangeText: '',
    secret: true,
    read(env, ctx) {
      const raw = env[s.env];
      if (raw !== undefined && raw !== '') return raw;
      return s.default === null ? null : s.default.from(ctx);
    },
  };
}
