/**
 * Every configuration key, declared once: environment variable, unit, default, validation.
 * Read once at start-up with loadConfig(); modules receive the typed object, never process.env.
 */
export interface AppConfig {
  /** HTTP port of the API. */
  httpPort: number;
  /** Interface the API listens on: loopback by default; 0.0.0.0 in a container. */
  httpHost: string;
  /** Largest JSON request body, bytes (413 beyond it); every API body but the coverage uploads is a few hundred bytes. */
  httpMaxBodyBytes: number;
  /** Largest body of POST /coverage/analyses and /coverage/sitings, bytes: demand points and station lists are uploads. */
  httpMaxUploadBytes: number;
  /** Largest file POST /admin/import/:kind takes (streamed, never held whole), bytes. */
  httpMaxImportBytes: number;
  /** Requests per second one client (API key, else IP address) may sustain; 0 lifts the limit (benchmarks). */
  httpRateLimitPerS: number;
  /** Requests one client may send at once above the sustained rate (token-bucket size). */
  httpRateLimitBurst: number;
  /** Concurrent GET /units/stream connections; more are refused with 503. */
  sseMaxClients: number;
  /** Concurrent GET /units/stream connections of one API key (by name), within SSE_MAX_CLIENTS; more are refused with 429. */
  sseMaxClientsPerKey: number;
  /** Seconds an SSE client may leave its events unread (socket backed up) before the stream is closed. */
  sseStallTimeoutS: number;
  /** External broker (e.g. mqtt://127.0.0.1:1883), without credentials. Empty: run the embedded aedes broker. */
  mqttUrl: string | null;
  /**
   * Service credentials of this process on the external broker (MQTT_USERNAME/MQTT_PASSWORD, or the
   * userinfo of MQTT_URL: mqtt://user:pass@host). Never logged. Ignored with the embedded broker,
   * where the ingest worker gets a random per-process password held in memory only.
   */
  mqttUsername: string | null;
  mqttPassword: string | null;
  /** Gateway service user the demo simulator publishes as on an external broker (SIMULATOR_MQTT_USERNAME/PASSWORD). */
  simulatorMqttUsername: string | null;
  simulatorMqttPassword: string | null;
  /**
   * Embedded broker, per unit connection: sustained publishes per second (token bucket refill) and the
   * burst allowed above it. Beyond them the unit's publishes are slowed down (held, then passed on in
   * order), never dropped. Services (ingest, gateway) are not limited.
   */
  mqttClientMaxMsgsPerS: number;
  mqttClientBurst: number;
  /** Embedded broker: largest MQTT packet (remaining length, bytes); a larger one closes the connection. */
  mqttMaxPacketBytes: number;
  /** TCP port of the embedded broker; 1883 is left to a system broker. */
  embeddedMqttPort: number;
  /** TCP port of the JT/T 808 gateway (embedded default and `npm run jt808-gateway`); 0 turns it off. */
  jt808Port: number;
  /** Interface the JT/T 808 gateway listens on: loopback by default; 0.0.0.0 where terminals reach it. */
  jt808Host: string;
  /** Concurrent JT/T 808 connections; more are closed at once (counted as max_connections). */
  jt808MaxConnections: number;
  /** Largest JT/T 808 frame as sent (escaped, flags included), bytes; a larger one is dropped. */
  jt808MaxFrameBytes: number;
  /** Per connection: bytes and frames per second sustained; above, reading pauses (TCP pushes back). */
  jt808MaxBytesPerS: number;
  jt808MaxFramesPerS: number;
  /** Heartbeat interval terminals are configured with, seconds; 3 intervals without a frame close the connection. */
  jt808HeartbeatS: number;
  /** Locations relayed but not yet durable, per connection; above, reading pauses until some are. */
  jt808MaxInFlight: number;
  /** Seconds a relayed location may wait to be durable; after that no 0x8001 goes out and the terminal resends. */
  jt808DurableTimeoutS: number;
  /** External broker only: the gateway service user the JT/T 808 gateway publishes as (JT808_MQTT_USERNAME/PASSWORD). */
  jt808MqttUsername: string | null;
  jt808MqttPassword: string | null;
  /** How often an unacknowledged dispatch order is sent again while its task is active, seconds. */
  orderRetryS: number;
  /** Demo: every how many simulated units one is a JT/T 808 terminal (0 = none). */
  simulatorJt808Every: number;
  /**
   * Shared-subscription group for several ingest workers on a real broker ($share/<group>/...);
   * null (the default) = one worker with a plain subscription. Only for a broker that keeps shared
   * subscriptions in persistent sessions over its restart: Mosquitto 2.0 does not (README, Production).
   */
  ingestShareGroup: string | null;
  /**
   * Stable MQTT client id of this ingest worker (persistent session). It must contain a '.', which no
   * unit id has, and no ':', which starts a unit's own client ids on the embedded broker: so it can
   * never be a client id a unit may use, and a unit cannot take over the ingest's session.
   */
  ingestClientId: string;
  /** External PostgreSQL/TimescaleDB. Empty: embedded PGlite with TimescaleDB in dataDir. */
  databaseUrl: string | null;
  /** Directory for the embedded database and caches. */
  dataDir: string;
  /** Rows per write batch (upper bound). */
  batchMaxRows: number;
  /** Milliseconds a partly filled batch may wait before it is written. */
  batchMaxWaitMs: number;
  /** Fixes accepted but not yet committed; above it the consumer stops reading (backpressure). */
  ingestMaxPending: number;
  /** Largest MQTT payload accepted, bytes (a buffered re-upload of a few thousand fixes fits). */
  maxPayloadBytes: number;
  /** Directory of the on-disk spool that keeps batches while the database is unreachable. */
  ingestSpoolDir: string;
  /** Bytes the spool may hold (0: no spool; batches then wait unacknowledged at the broker). */
  ingestSpoolMaxBytes: number;
  /** Dead-letter rows kept (oldest deleted beyond it). */
  deadLetterMaxRows: number;
  /** Seconds a fix may lie in the future (terminal clock skew). */
  fixMaxFutureS: number;
  /** Seconds a fix may be old (buffered re-uploads after an outage). */
  fixMaxAgeS: number;
  /** km/h implied between consecutive fixes above which the later fix is a jump. */
  fixMaxSpeedKmh: number;
  /** Metres of reported accuracy above which a fix is too poor to use. */
  fixMaxAccuracyM: number;
  /** Seconds after which a unit's last fix is stale. */
  staleAfterS: number;
  /** Stale units in recommendations below the top priority: ranked from their last position, or left out. */
  dispatchStaleUnits: 'rank' | 'exclude';
  /** Run the demo simulator (default on for the embedded default). */
  simulator: boolean;
  /** Number of simulated units. */
  simulatorUnits: number;
  /**
   * Simulated seconds per wall-clock second of the demo simulator (SIMULATOR_SPEEDUP, default 10):
   * turnout, on-scene and hospital times and driving run this much faster so the whole task loop is
   * watchable. Driving is still capped so consecutive fixes never imply more than 0.8 × FIX_MAX_SPEED_KMH
   * (the ingest jump filter would refuse them). 1 = real time.
   */
  simulatorSpeedup: number;
  /** Path to the .osm.pbf / .osm extract the road engine loads. */
  osmExtract: string;
  /** Metres: a point farther than this from any drivable road is refused (SNAP_TOO_FAR). */
  routingSnapMaxM: number;
  /** Keep built road graphs in <dataDir>/graph-cache/ keyed by the extract's hash. */
  routingGraphCache: boolean;
  /** Seconds between runs of incremental map matching of stored fixes and a new learned-speed model; 0: only on demand. */
  learningIntervalS: number;
  /** Minutes east of UTC of the centre's local time, for hour-of-week slots (China: 480). */
  learningUtcOffsetMin: number;
  /** Days of traversals a learned-speed model is built from. */
  learningWindowDays: number;
  /** Log level for pino. */
  logLevel: string;
  /** Coverage rule used when a request names none: a preset id (1030, rescue-circle-15, ...). */
  coverageDefaultRule: string;
  /** Coverage analyses waiting to run, at most; more are refused with 429. */
  coverageMaxQueuedJobs: number;
  /** Finished coverage analyses kept for GET (oldest dropped beyond it). */
  coverageKeepJobs: number;
  /**
   * File of API keys, lines `name role sha256-hex-of-key` (roles admin, dispatcher, planner, viewer).
   * Null: `<dataDir>/api-keys`, created with one generated admin key on first start.
   */
  apiKeysFile: string | null;
  /** Embedded demo (no MQTT_URL and no DATABASE_URL): the admin key is kept and printed at start-up. */
  embeddedDemo: boolean;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

function int(env: Env, key: string, def: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(`${key}=${raw}: expected an integer in [${min}, ${max}]`);
  }
  return v;
}

function bool(env: Env, key: string, def: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${key}=${raw}: expected true or false`);
}

function oneOf<T extends string>(env: Env, key: string, values: readonly T[], def: T): T {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${key}=${raw}: expected one of ${values.join(', ')}`);
  return raw as T;
}

function str(env: Env, key: string): string | null {
  const raw = env[key];
  return raw === undefined || raw.trim() === '' ? null : raw.trim();
}

/** A $share group name is one topic level: no '/', '+' or '#'. */
function shareGroup(env: Env): string | null {
  const group = str(env, 'INGEST_SHARE_GROUP');
  if (group !== null && /[/+#]/.test(group)) throw new ConfigError(`INGEST_SHARE_GROUP=${group}: must not contain '/', '+' or '#'`);
  return group;
}

/** A client id outside every unit's client ids (unit ids: [A-Za-z0-9_-]; a unit's own ids: `<unitId>:…`). */
const INGEST_CLIENT_ID = /^(?=[^.]*\.)[A-Za-z0-9_.-]{1,64}$/;

function ingestClientId(env: Env): string {
  const id = str(env, 'INGEST_CLIENT_ID') ?? 'rc.ingest-1';
  if (!INGEST_CLIENT_ID.test(id)) {
    throw new ConfigError(`INGEST_CLIENT_ID=${id}: expected 1-64 characters of A-Z a-z 0-9 _ - . with at least one '.' (so no unit id can equal it), e.g. rc.ingest-1`);
  }
  return id;
}

/** Default shipped extract, relative to the repository root (© OpenStreetMap contributors, ODbL). */
export const DEFAULT_OSM_EXTRACT = 'data/osm/andorra.osm.pbf';

/** Splits the credentials off an MQTT URL, so the URL can be logged and passed around safely. */
function mqttEndpoint(raw: string | null): { url: string | null; username: string | null; password: string | null } {
  if (raw === null) return { url: null, username: null, password: null };
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(`MQTT_URL: not a URL (expected e.g. mqtt://host:1883)`);
  }
  if (!['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:'].includes(u.protocol)) throw new ConfigError(`MQTT_URL: unsupported scheme ${u.protocol}`);
  const username = u.username ? decodeURIComponent(u.username) : null;
  const password = u.password ? decodeURIComponent(u.password) : null;
  u.username = '';
  u.password = '';
  return { url: u.toString().replace(/\/$/, ''), username, password };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const endpoint = mqttEndpoint(str(env, 'MQTT_URL'));
  const mqttUrl = endpoint.url;
  const databaseUrl = str(env, 'DATABASE_URL');
  const embedded = mqttUrl === null;
  return {
    httpPort: int(env, 'PORT', 3000, 0, 65535),
    httpHost: str(env, 'HTTP_HOST') ?? '127.0.0.1',
    httpMaxBodyBytes: int(env, 'HTTP_MAX_BODY_BYTES', 64 * 1024, 1024, 64 * 1024 * 1024),
    httpMaxUploadBytes: int(env, 'HTTP_MAX_UPLOAD_BYTES', 16 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    httpMaxImportBytes: int(env, 'HTTP_MAX_IMPORT_BYTES', 512 * 1024 * 1024, 1024, 8 * 1024 * 1024 * 1024),
    httpRateLimitPerS: int(env, 'HTTP_RATE_LIMIT_PER_S', 50, 0, 1_000_000),
    httpRateLimitBurst: int(env, 'HTTP_RATE_LIMIT_BURST', 500, 1, 1_000_000),
    sseMaxClients: int(env, 'SSE_MAX_CLIENTS', 200, 1, 100_000),
    sseMaxClientsPerKey: int(env, 'SSE_MAX_CLIENTS_PER_KEY', 20, 1, 100_000),
    sseStallTimeoutS: int(env, 'SSE_STALL_TIMEOUT_S', 30, 1, 3600),
    mqttUrl,
    mqttUsername: str(env, 'MQTT_USERNAME') ?? endpoint.username,
    mqttPassword: env.MQTT_PASSWORD !== undefined && env.MQTT_PASSWORD !== '' ? env.MQTT_PASSWORD : endpoint.password,
    simulatorMqttUsername: str(env, 'SIMULATOR_MQTT_USERNAME'),
    simulatorMqttPassword: env.SIMULATOR_MQTT_PASSWORD !== undefined && env.SIMULATOR_MQTT_PASSWORD !== '' ? env.SIMULATOR_MQTT_PASSWORD : null,
    mqttClientMaxMsgsPerS: int(env, 'MQTT_CLIENT_MAX_MSGS_PER_S', 200, 1, 1_000_000),
    mqttClientBurst: int(env, 'MQTT_CLIENT_BURST', 2000, 1, 10_000_000),
    mqttMaxPacketBytes: int(env, 'MQTT_MAX_PACKET_BYTES', 1024 * 1024, 1024, 256 * 1024 * 1024),
    embeddedMqttPort: int(env, 'EMBEDDED_MQTT_PORT', 1884, 0, 65535),
    jt808Port: int(env, 'JT808_PORT', 6808, 0, 65535),
    jt808Host: str(env, 'JT808_HOST') ?? '127.0.0.1',
    jt808MaxConnections: int(env, 'JT808_MAX_CONNECTIONS', 20000, 1, 1_000_000),
    jt808MaxFrameBytes: int(env, 'JT808_MAX_FRAME_BYTES', 4096, 64, 1024 * 1024),
    jt808MaxBytesPerS: int(env, 'JT808_MAX_BYTES_PER_S', 16 * 1024, 64, 100 * 1024 * 1024),
    jt808MaxFramesPerS: int(env, 'JT808_MAX_FRAMES_PER_S', 50, 1, 1_000_000),
    jt808HeartbeatS: int(env, 'JT808_HEARTBEAT_S', 60, 1, 3600),
    jt808MaxInFlight: int(env, 'JT808_MAX_IN_FLIGHT', 64, 1, 100_000),
    jt808DurableTimeoutS: int(env, 'JT808_DURABLE_TIMEOUT_S', 30, 1, 3600),
    jt808MqttUsername: str(env, 'JT808_MQTT_USERNAME'),
    jt808MqttPassword: env.JT808_MQTT_PASSWORD !== undefined && env.JT808_MQTT_PASSWORD !== '' ? env.JT808_MQTT_PASSWORD : null,
    orderRetryS: int(env, 'ORDER_RETRY_S', 15, 1, 3600),
    simulatorJt808Every: int(env, 'SIMULATOR_JT808_EVERY', 3, 0, 100000),
    // aedes has no shared subscriptions; on a real broker a group is opt-in (see the field's comment).
    ingestShareGroup: embedded ? null : shareGroup(env),
    ingestClientId: ingestClientId(env),
    databaseUrl,
    dataDir: str(env, 'DATA_DIR') ?? '.data',
    batchMaxRows: int(env, 'INGEST_BATCH_MAX_ROWS', 1000, 1, 50000),
    batchMaxWaitMs: int(env, 'INGEST_BATCH_MAX_WAIT_MS', 50, 1, 60000),
    ingestMaxPending: int(env, 'INGEST_MAX_PENDING', 20000, 1, 1000000),
    maxPayloadBytes: int(env, 'INGEST_MAX_PAYLOAD_BYTES', 256 * 1024, 256, 16 * 1024 * 1024),
    ingestSpoolDir: str(env, 'INGEST_SPOOL_DIR') ?? `${str(env, 'DATA_DIR') ?? '.data'}/ingest-spool`,
    ingestSpoolMaxBytes: int(env, 'INGEST_SPOOL_MAX_BYTES', 512 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER),
    deadLetterMaxRows: int(env, 'DEAD_LETTER_MAX_ROWS', 100000, 100, 100000000),
    fixMaxFutureS: int(env, 'FIX_MAX_FUTURE_S', 300, 0, 86400),
    fixMaxAgeS: int(env, 'FIX_MAX_AGE_S', 7 * 86400, 1, 366 * 86400),
    fixMaxSpeedKmh: int(env, 'FIX_MAX_SPEED_KMH', 250, 1, 2000),
    fixMaxAccuracyM: int(env, 'FIX_MAX_ACCURACY_M', 200, 1, 100000),
    staleAfterS: int(env, 'STALE_AFTER_S', 120, 1, 86400),
    dispatchStaleUnits: oneOf(env, 'DISPATCH_STALE_UNITS', ['rank', 'exclude'] as const, 'exclude'),
    simulator: bool(env, 'SIMULATOR', embedded),
    simulatorUnits: int(env, 'SIMULATOR_UNITS', 12, 0, 100000),
    simulatorSpeedup: int(env, 'SIMULATOR_SPEEDUP', 10, 1, 10000),
    osmExtract: str(env, 'OSM_EXTRACT') ?? DEFAULT_OSM_EXTRACT,
    routingSnapMaxM: int(env, 'ROUTING_SNAP_MAX_M', 500, 1, 100000),
    routingGraphCache: bool(env, 'ROUTING_GRAPH_CACHE', true),
    learningIntervalS: int(env, 'LEARNING_INTERVAL_S', 900, 0, 7 * 86400),
    learningUtcOffsetMin: int(env, 'LEARNING_UTC_OFFSET_MIN', 480, -720, 840),
    learningWindowDays: int(env, 'LEARNING_WINDOW_DAYS', 28, 1, 400),
    logLevel: str(env, 'LOG_LEVEL') ?? 'info',
    coverageDefaultRule: str(env, 'COVERAGE_DEFAULT_RULE') ?? '1030',
    coverageMaxQueuedJobs: int(env, 'COVERAGE_MAX_QUEUED_JOBS', 4, 1, 1000),
    coverageKeepJobs: int(env, 'COVERAGE_KEEP_JOBS', 20, 1, 10000),
    apiKeysFile: str(env, 'API_KEYS_FILE'),
    embeddedDemo: embedded && databaseUrl === null,
  };
}
