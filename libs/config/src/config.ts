import { type Context, type Env, type Key, type ValueOf } from './key';
import { CONFIG_KEYS, mqttEndpoint } from './keys';

export { ConfigError } from './key';
export { CONFIG_KEYS, DEFAULT_OSM_EXTRACT } from './keys';

/**
 * The configuration, typed from the declarations in keys.ts (one field per key), plus what follows
 * from them. Read once at start-up with loadConfig(); modules receive the typed object, never process.env.
 */
export type AppConfig = { [K in keyof typeof CONFIG_KEYS]: ValueOf<(typeof CONFIG_KEYS)[K]> } & {
  /** Embedded demo (no MQTT_URL and no DATABASE_URL): the admin key is kept and printed at start-up. */
  embeddedDemo: boolean;
};

/** Reads every declared key from the environment; throws ConfigError naming the first bad one. */
export function loadConfig(env: Env = process.env): AppConfig {
  const ctx = context(env);
  const values: Record<string, unknown> = {};
  for (const [field, key] of Object.entries(CONFIG_KEYS) as Array<[string, Key<unknown>]>) values[field] = key.read(env, ctx);
  const cfg = values as Omit<AppConfig, 'embeddedDemo'>;
  return { ...cfg, embeddedDemo: cfg.mqttUrl === null && cfg.databaseUrl === null };
}

/** What defaults depend on: whether the broker is embedded, the data directory, MQTT_URL's userinfo. */
function context(env: Env): Context {
  // The keys read here depend on nothing themselves.
  const none: Context = { embedded: true, dataDir: '', mqttUserinfo: { username: null, password: null } };
  const url = CONFIG_KEYS.mqttUrl.read(env, none);
  const userinfo = url === null ? none.mqttUserinfo : mqttEndpoint(env[CONFIG_KEYS.mqttUrl.env]!.trim());
  return { embedded: url === null, dataDir: CONFIG_KEYS.dataDir.read(env, none), mqttUserinfo: { username: userinfo.username, password: userinfo.password } };
}
