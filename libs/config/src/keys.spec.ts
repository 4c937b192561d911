import { ConfigError, loadConfig } from './config';
import { type Key } from './key';
import { CONFIG_KEYS } from './keys';

const keys = Object.entries(CONFIG_KEYS) as Array<[string, Key<unknown>]>;

describe('configuration keys, declared once', () => {
  it('each has its own variable and a doc', () => {
    const envs = keys.map(([, k]) => k.env);
    expect(new Set(envs).size).toBe(envs.length);
    for (const [, k] of keys) {
      expect(k.env).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(k.doc.length).toBeGreaterThan(10);
    }
  });

  it('loadConfig returns one field per declared key, plus embeddedDemo', () => {
    expect(Object.keys(loadConfig({})).sort()).toEqual([...keys.map(([field]) => field), 'embeddedDemo'].sort());
  });

  it.each(keys.filter(([, k]) => k.rangeText.includes(' – ')))('%s refuses values outside its declared range', (field, k) => {
    const [min, max] = k.rangeText.split(' – ');
    // the bounds as the README writes them: "1 KiB – 64 MiB", "0 – 65535"
    const unit: Record<string, number> = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
    const parse = (s: string) => {
      const [n, u] = s.split(' ');
      return Number(n) * (u ? unit[u]! : 1);
    };
    const lo = parse(min!);
    const hi = parse(max!);
    expect(loadConfig({ [k.env]: String(lo) })[field as keyof typeof CONFIG_KEYS]).toBe(lo);
    expect(loadConfig({ [k.env]: String(hi) })[field as keyof typeof CONFIG_KEYS]).toBe(hi);
    expect(() => loadConfig({ [k.env]: String(lo - 1) })).toThrow(new ConfigError(`${k.env}=${lo - 1}: expected an integer in [${lo}, ${hi}]`));
    expect(() => loadConfig({ [k.env]: String(hi + 1) })).toThrow(ConfigError);
    expect(() => loadConfig({ [k.env]: 'ten' })).toThrow(ConfigError);
  });

  it('defaults depend on the embedded broker and DATA_DIR as the README says', () => {
    const embedded = loadConfig({});
    expect(embedded).toMatchObject({ simulator: true, embeddedDemo: true, ingestSpoolDir: '.data/ingest-spool', ingestShareGroup: null });
    const real = loadConfig({ MQTT_URL: 'mqtt://svc:s%20ecret@broker:1883', DATA_DIR: '/var/rc', INGEST_SHARE_GROUP: 'ingest' });
    expect(real).toMatchObject({ mqttUrl: 'mqtt://broker:1883', mqttUsername: 'svc', mqttPassword: 's ecret', simulator: false, embeddedDemo: false, ingestSpoolDir: '/var/rc/ingest-spool', ingestShareGroup: 'ingest' });
    expect(() => loadConfig({ MQTT_URL: 'mqtt://b', INGEST_SHARE_GROUP: 'a/b' })).toThrow(ConfigError);
  });

  it('refuses a value outside a list, and a bad flag', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(new ConfigError('LOG_LEVEL=loud: expected one of fatal, error, warn, info, debug, trace, silent'));
    expect(() => loadConfig({ ROUTING_GRAPH_CACHE: 'maybe' })).toThrow(new ConfigError('ROUTING_GRAPH_CACHE=maybe: expected true or false'));
    expect(loadConfig({ ROUTING_GRAPH_CACHE: 'off', DISPATCH_STALE_UNITS: 'rank' })).toMatchObject({ routingGraphCache: false, dispatchStaleUnits: 'rank' });
  });
});
