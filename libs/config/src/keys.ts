import { choice, ConfigError, type Context, flag, int, secret, text } from './key';

/**
 * Every configuration key, declared once: environment variable, unit, default, range and doc. The
 * AppConfig type and loadConfig() are derived from this table, and the README's configuration table
 * is generated from it (`npm run config:readme`; a spec fails when they differ). Add a key here.
 */

/** Default shipped extract, relative to the repository root (© OpenStreetMap contributors, ODbL). */
export const DEFAULT_OSM_EXTRACT = 'data/osm/andorra.osm.pbf';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const DAY_S = 86_400;

/** Splits the credentials off an MQTT URL, so the URL can be logged and passed around safely. */
export function mqttEndpoint(raw: string): { url: string; username: string | null; password: string | null } {
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

/** A client id outside every unit's client ids (unit ids: [A-Za-z0-9_-]; a unit's own ids: `<unitId>:…`). */
const INGEST_CLIENT_ID = /^(?=[^.]*\.)[A-Za-z0-9_.-]{1,64}$/;

const fromUserinfo = (part: 'username' | 'password') => ({ text: 'userinfo of `MQTT_URL`', from: (c: Context) => c.mqttUserinfo[part] });

export const CONFIG_KEYS = {
  // HTTP API
  httpPort: int({ env: 'PORT', default: 3000, min: 0, max: 65535, unit: 'port', doc: 'HTTP port of the API' }),
  httpHost: text({ env: 'HTTP_HOST', default: '127.0.0.1', doc: 'interface the API listens on: loopback by default; 0.0.0.0 in a container' }),
  httpMaxBodyBytes: int({
    env: 'HTTP_MAX_BODY_BYTES', default: 64 * KiB, min: KiB, max: 64 * MiB, unit: 'bytes',
    doc: 'largest JSON request body (413 beyond); every API body but the coverage uploads is a few hundred bytes ([Limits](#limits))',
  }),
  httpMaxUploadBytes: int({
    env: 'HTTP_MAX_UPLOAD_BYTES', default: 16 * MiB, min: KiB, max: 256 * MiB, unit: 'bytes',
    doc: 'largest body of `POST /coverage/analyses` and `/coverage/sitings` (demand points and station lists are uploads)',
  }),
  httpMaxImportBytes: int({
    env: 'HTTP_MAX_IMPORT_BYTES', default: 512 * MiB, min: KiB, max: 8 * GiB, unit: 'bytes',
    doc: 'largest file `POST /admin/import/:kind` takes (streamed, never held whole)',
  }),
  httpRateLimitPerS: int({
    env: 'HTTP_RATE_LIMIT_PER_S', default: 50, min: 0, max: 1_000_000, unit: 'requests/s',
    doc: 'requests per second one client (API key, else IP address) may sustain (429 beyond); 0 lifts the limit (benchmarks)',
  }),
  httpRateLimitBurst: int({ env: 'HTTP_RATE_LIMIT_BURST', default: 500, min: 1, max: 1_000_000, unit: 'requests', doc: 'requests one client may send at once above the sustained rate (token-bucket size)' }),
  sseMaxClients: int({ env: 'SSE_MAX_CLIENTS', default: 200, min: 1, max: 100_000, unit: 'connections', doc: 'concurrent `GET /units/stream` connections (503 beyond)' }),
  sseMaxClientsPerKey: int({
    env: 'SSE_MAX_CLIENTS_PER_KEY', default: 20, min: 1, max: 100_000, unit: 'connections',
    doc: 'concurrent `GET /units/stream` connections of one API key, within `SSE_MAX_CLIENTS` (429 beyond)',
  }),
  sseStallTimeoutS: int({ env: 'SSE_STALL_TIMEOUT_S', default: 30, min: 1, max: 3600, unit: 's', doc: 'time an SSE client may leave its events unread (socket backed up) before the stream is closed' }),

  // MQTT
  mqttUrl: text({
    env: 'MQTT_URL', default: null, defaultText: '(embedded aedes)', parse: (v) => mqttEndpoint(v).url, rangeText: 'mqtt, mqtts, tcp, ssl, ws, wss URL',
    doc: 'external broker, e.g. `mqtt://127.0.0.1:1883` for Mosquitto/EMQX (credentials may be in it: `mqtt://user:pass@host`); unset: the embedded aedes broker runs',
  }),
  mqttUsername: text({ env: 'MQTT_USERNAME', default: fromUserinfo('username'), doc: "this process's service user on an external broker (role ingest); ignored with the embedded broker" }),
  mqttPassword: secret({ env: 'MQTT_PASSWORD', default: fromUserinfo('password'), doc: 'its password; never logged' }),
  simulatorMqttUsername: text({ env: 'SIMULATOR_MQTT_USERNAME', default: null, doc: 'gateway service user the demo simulator publishes as on an external broker' }),
  simulatorMqttPassword: secret({ env: 'SIMULATOR_MQTT_PASSWORD', default: null, doc: 'its password; never logged' }),
  mqttClientMaxMsgsPerS: int({
    env: 'MQTT_CLIENT_MAX_MSGS_PER_S', default: 200, min: 1, max: 1_000_000, unit: 'messages/s',
    doc: 'embedded broker, per unit connection: sustained publishes; above it they are slowed down (held, passed on in order), never dropped; services are not limited',
  }),
  mqttClientBurst: int({ env: 'MQTT_CLIENT_BURST', default: 2000, min: 1, max: 10_000_000, unit: 'messages', doc: 'embedded broker, per unit connection: publishes allowed at once above the sustained rate' }),
  mqttMaxPacketBytes: int({ env: 'MQTT_MAX_PACKET_BYTES', default: MiB, min: KiB, max: 256 * MiB, unit: 'bytes', doc: 'embedded broker: largest MQTT packet (remaining length); a larger one closes the connection' }),
  embeddedMqttPort: int({ env: 'EMBEDDED_MQTT_PORT', default: 1884, min: 0, max: 65535, unit: 'port', doc: 'port of the embedded broker (1883 is left to a system broker)' }),
  embeddedMqttsPort: int({ env: 'EMBEDDED_MQTTS_PORT', default: 8884, min: 0, max: 65535, unit: 'port', doc: 'embedded broker: MQTT over TLS with the API\'s certificate, only when `TLS_CERT_FILE`/`TLS_KEY_FILE` are set (8883 is left to a system broker)' }),
  embeddedMqttsHost: text({ env: 'EMBEDDED_MQTTS_HOST', default: '127.0.0.1', doc: 'interface of the embedded broker\'s TLS listener: loopback by default; 0.0.0.0 where terminals reach it (the plain listener stays on loopback)' }),

  // JT/T 808
  jt808Port: int({ env: 'JT808_PORT', default: 6808, min: 0, max: 65535, unit: 'port', doc: 'TCP port of the JT/T 808 gateway (embedded default and `npm run jt808-gateway`); 0 turns it off' }),
  jt808Host: text({ env: 'JT808_HOST', default: '127.0.0.1', doc: 'interface the JT/T 808 gateway listens on: loopback by default; 0.0.0.0 where terminals reach it' }),
  jt808MaxConnections: int({ env: 'JT808_MAX_CONNECTIONS', default: 20_000, min: 1, max: 1_000_000, unit: 'connections', doc: 'concurrent JT/T 808 connections; more are closed at once (counted as max_connections)' }),
  jt808MaxFrameBytes: int({ env: 'JT808_MAX_FRAME_BYTES', default: 4096, min: 64, max: MiB, unit: 'bytes', doc: 'largest JT/T 808 frame as sent (escaped, flags included); a larger one is dropped' }),
  jt808MaxBytesPerS: int({ env: 'JT808_MAX_BYTES_PER_S', default: 16 * KiB, min: 64, max: 100 * MiB, unit: 'bytes/s', doc: 'per connection, sustained; above it reading pauses (TCP pushes back)' }),
  jt808MaxFramesPerS: int({ env: 'JT808_MAX_FRAMES_PER_S', default: 50, min: 1, max: 1_000_000, unit: 'frames/s', doc: 'per connection, sustained; above it reading pauses' }),
  jt808HeartbeatS: int({ env: 'JT808_HEARTBEAT_S', default: 60, min: 1, max: 3600, unit: 's', doc: 'heartbeat interval terminals are configured with; 3 intervals without a frame close the connection' }),
  jt808MaxInFlight: int({ env: 'JT808_MAX_IN_FLIGHT', default: 64, min: 1, max: 100_000, unit: 'locations', doc: 'locations relayed but not yet durable, per connection; above it reading pauses until some are' }),
  jt808DurableTimeoutS: int({ env: 'JT808_DURABLE_TIMEOUT_S', default: 30, min: 1, max: 3600, unit: 's', doc: 'time a relayed location may wait to be durable; after it no 0x8001 goes out and the terminal resends' }),
  jt808MqttUsername: text({ env: 'JT808_MQTT_USERNAME', default: null, doc: 'external broker only: the gateway service user the JT/T 808 gateway publishes as' }),
  jt808MqttPassword: secret({ env: 'JT808_MQTT_PASSWORD', default: null, doc: 'its password; never logged' }),

  // Ingest
  ingestClientId: text({
    env: 'INGEST_CLIENT_ID', default: 'rc.ingest-1', rangeText: "1-64 of `A-Za-z0-9_.-` with at least one `.`",
    doc: "stable MQTT client id of this ingest worker (persistent session); the '.' (no unit id has one) and no ':' (which starts a unit's own client ids) mean no unit can take over its session",
    parse: (id) => {
      if (!INGEST_CLIENT_ID.test(id)) {
        throw new ConfigError(`INGEST_CLIENT_ID=${id}: expected 1-64 characters of A-Z a-z 0-9 _ - . with at least one '.' (so no unit id can equal it), e.g. rc.ingest-1`);
      }
      return id;
    },
  }),
  ingestShareGroup: text({
    env: 'INGEST_SHARE_GROUP', default: null, defaultText: '(none: plain subscription)', rangeText: "one topic level: no `/`, `+` or `#`",
    doc: '`$share/<group>/…` for several ingest workers on a real broker (aedes has none: ignored when embedded); only for a broker that keeps shared subscriptions in persistent sessions over its restart, not Mosquitto 2.0 (see Production)',
    parse: (group, ctx) => {
      if (ctx.embedded) return null;
      if (/[/+#]/.test(group)) throw new ConfigError(`INGEST_SHARE_GROUP=${group}: must not contain '/', '+' or '#'`);
      return group;
    },
  }),
  batchMaxRows: int({ env: 'INGEST_BATCH_MAX_ROWS', default: 1000, min: 1, max: 50_000, unit: 'rows', doc: 'rows per write batch (upper bound)' }),
  batchMaxWaitMs: int({ env: 'INGEST_BATCH_MAX_WAIT_MS', default: 50, min: 1, max: 60_000, unit: 'ms', doc: 'time a partly filled batch may wait before it is written' }),
  ingestMaxPending: int({ env: 'INGEST_MAX_PENDING', default: 20_000, min: 1, max: 1_000_000, unit: 'fixes', doc: 'fixes accepted but not yet committed; above it the consumer stops reading (backpressure)' }),
  maxPayloadBytes: int({ env: 'INGEST_MAX_PAYLOAD_BYTES', default: 256 * KiB, min: 256, max: 16 * MiB, unit: 'bytes', doc: 'largest MQTT payload accepted (`too_large` beyond); a buffered re-upload of a few thousand fixes fits' }),
  ingestSpoolDir: text({ env: 'INGEST_SPOOL_DIR', default: { text: '`$DATA_DIR/ingest-spool`', from: (c) => `${c.dataDir}/ingest-spool` }, doc: 'on-disk spool that keeps batches while the database is unreachable' }),
  ingestSpoolMaxBytes: int({ env: 'INGEST_SPOOL_MAX_BYTES', default: 512 * MiB, min: 0, max: Number.MAX_SAFE_INTEGER, unit: 'bytes', doc: 'bytes the spool may hold; 0: no spool (batches then wait unacknowledged at the broker)' }),
  deadLetterMaxRows: int({ env: 'DEAD_LETTER_MAX_ROWS', default: 100_000, min: 100, max: 100_000_000, unit: 'rows', doc: 'dead letters kept (oldest deleted beyond it)' }),
  fixMaxFutureS: int({ env: 'FIX_MAX_FUTURE_S', default: 300, min: 0, max: DAY_S, unit: 's', doc: 'how far in the future a fix may lie (terminal clock skew)' }),
  fixMaxAgeS: int({ env: 'FIX_MAX_AGE_S', default: 7 * DAY_S, min: 1, max: 366 * DAY_S, unit: 's', doc: 'how old a fix may be (buffered re-uploads after an outage)' }),
  fixMaxSpeedKmh: int({ env: 'FIX_MAX_SPEED_KMH', default: 250, min: 1, max: 2000, unit: 'km/h', doc: 'speed implied between consecutive fixes above which the later fix is a jump' }),
  fixMaxAccuracyM: int({ env: 'FIX_MAX_ACCURACY_M', default: 200, min: 1, max: 100_000, unit: 'm', doc: 'reported accuracy above which a fix is too poor to use' }),

  // Storage
  databaseUrl: text({ env: 'DATABASE_URL', default: null, defaultText: '(embedded PGlite)', doc: 'external PostgreSQL/TimescaleDB, e.g. `postgres://user:pass@host:5432/db`; unset: embedded PGlite with TimescaleDB in `DATA_DIR`' }),
  dataDir: text({ env: 'DATA_DIR', default: '.data', doc: 'directory of the embedded database and caches' }),

  // Fleet and dispatch
  staleAfterS: int({ env: 'STALE_AFTER_S', default: 120, min: 1, max: DAY_S, unit: 's', doc: "age of a unit's last fix beyond which the unit is stale" }),
  dispatchStaleUnits: choice({ env: 'DISPATCH_STALE_UNITS', values: ['rank', 'exclude'], default: 'exclude', doc: 'stale units in recommendations below the top priority: ranked from their last position (age shown), or left out' }),
  orderRetryS: int({ env: 'ORDER_RETRY_S', default: 15, min: 1, max: 3600, unit: 's', doc: 'how often an unacknowledged dispatch order is sent again while its task is active' }),

  // Events out (webhooks)
  webhookPositionIntervalS: int({
    env: 'WEBHOOK_POSITION_INTERVAL_S', default: 30, min: 0, max: DAY_S, unit: 's',
    doc: "how often each unit's newest position goes out as `unit.position` (only while a subscriber wants it); 0: never",
  }),
  webhookTimeoutMs: int({ env: 'WEBHOOK_TIMEOUT_MS', default: 10_000, min: 100, max: 120_000, unit: 'ms', doc: 'time a subscriber has to answer one delivery (connect to response headers)' }),
  webhookMaxConcurrency: int({ env: 'WEBHOOK_MAX_CONCURRENCY', default: 8, min: 1, max: 1000, unit: 'requests', doc: 'deliveries in flight across all subscribers (each subscriber has at most one)' }),
  webhookRetryBaseMs: int({ env: 'WEBHOOK_RETRY_BASE_MS', default: 1000, min: 10, max: 3_600_000, unit: 'ms', doc: 'backoff after the first failure; the ceiling doubles per failure (full jitter)' }),
  webhookRetryCapS: int({ env: 'WEBHOOK_RETRY_CAP_S', default: 600, min: 1, max: DAY_S, unit: 's', doc: 'longest wait between two attempts of one event' }),
  webhookMaxAttempts: int({ env: 'WEBHOOK_MAX_ATTEMPTS', default: 20, min: 1, max: 10_000, unit: 'attempts', doc: 'failed attempts after which an event is dead-lettered for that subscriber (replayable)' }),
  webhookMaxAgeS: int({ env: 'WEBHOOK_MAX_AGE_S', default: DAY_S, min: 1, max: 30 * DAY_S, unit: 's', doc: 'age after which a failing event is dead-lettered at its next failed attempt' }),
  webhookRetentionDays: int({ env: 'WEBHOOK_RETENTION_DAYS', default: 7, min: 1, max: 3660, unit: 'days', doc: 'events kept in the outbox (the reach of a replay)' }),

  // Road engine
  osmExtract: text({ env: 'OSM_EXTRACT', default: DEFAULT_OSM_EXTRACT, doc: 'road network the road engine loads (.osm.pbf or .osm)' }),
  routingSnapMaxM: int({ env: 'ROUTING_SNAP_MAX_M', default: 500, min: 1, max: 100_000, unit: 'm', doc: 'a point farther than this from any drivable road is refused (`SNAP_TOO_FAR`)' }),
  routingGraphCache: flag({ env: 'ROUTING_GRAPH_CACHE', default: true, doc: "keep built road graphs in `$DATA_DIR/graph-cache`, keyed by the extract's hash" }),

  learningIntervalS: int({
    env: 'LEARNING_INTERVAL_S', default: 900, min: 0, max: 7 * DAY_S, unit: 's',
    doc: 'between runs of incremental map matching of stored fixes and a new learned-speed model; 0: only on demand (`POST /routing/learning/runs`)',
  }),
  learningUtcOffsetMin: int({ env: 'LEARNING_UTC_OFFSET_MIN', default: 480, min: -720, max: 840, unit: 'min', doc: "minutes east of UTC of the centre's local time, for hour-of-week slots (China: 480)" }),
  learningWindowDays: int({ env: 'LEARNING_WINDOW_DAYS', default: 28, min: 1, max: 400, unit: 'days', doc: 'days of traversals a learned-speed model is built from' }),

  // Demo simulator
  simulator: flag({ env: 'SIMULATOR', default: { text: 'true when embedded (no `MQTT_URL`)', from: (c) => c.embedded }, doc: 'run the demo simulator' }),
  simulatorUnits: int({ env: 'SIMULATOR_UNITS', default: 12, min: 0, max: 100_000, unit: 'units', doc: 'number of simulated units' }),
  simulatorSpeedup: int({
    env: 'SIMULATOR_SPEEDUP', default: 10, min: 1, max: 10_000, unit: '×',
    doc: 'simulated seconds per real second of the demo (1 = real time); driving stays under 0.8 × `FIX_MAX_SPEED_KMH` between fixes, which the jump filter would refuse',
  }),
  simulatorJt808Every: int({ env: 'SIMULATOR_JT808_EVERY', default: 3, min: 0, max: 100_000, unit: 'units', doc: 'every how many simulated units one is a JT/T 808 terminal (0 = none)' }),

  // Coverage planning
  coverageDefaultRule: text({ env: 'COVERAGE_DEFAULT_RULE', default: '1030', doc: 'coverage rule used when a request names none: a preset id (`1030`, `rescue-circle-15`, …)' }),
  coverageMaxQueuedJobs: int({ env: 'COVERAGE_MAX_QUEUED_JOBS', default: 4, min: 1, max: 1000, unit: 'jobs', doc: 'coverage analyses waiting to run; more are refused with 429' }),
  coverageKeepJobs: int({ env: 'COVERAGE_KEEP_JOBS', default: 20, min: 1, max: 10_000, unit: 'jobs', doc: 'finished coverage analyses kept for GET (oldest dropped beyond it)' }),

  // Security and logs
  apiKeysFile: text({
    env: 'API_KEYS_FILE', default: null, defaultText: '`$DATA_DIR/api-keys`',
    doc: 'API keys, `name role sha256-hex` a line (roles admin, dispatcher, planner, viewer, auditor), created with one generated admin key on first start; `npm run api-key -- add` writes it ([Security](#security))',
  }),
  sessionIdleTimeoutS: int({ env: 'SESSION_IDLE_TIMEOUT_S', default: 900, min: 1, max: 86_400, unit: 's', doc: "a person's session ends after this long unused (401 `SESSION_IDLE`) ([Security](#security))" }),
  sessionMaxAgeS: int({ env: 'SESSION_MAX_AGE_S', default: 43_200, min: 1, max: 30 * 86_400, unit: 's', doc: 'a session ends after this long however active (a 12-hour shift)' }),
  sessionCookieSecure: flag({
    env: 'SESSION_COOKIE_SECURE', default: true,
    doc: 'the console session cookie is `Secure` (`__Host-rc_session`); browsers keep it over https and on http://127.0.0.1/localhost; false only for plain HTTP on another address',
  }),
  passwordMaxAgeDays: int({ env: 'PASSWORD_MAX_AGE_DAYS', default: 90, min: 0, max: 3650, unit: 'days', doc: 'a password older than this must be changed before anything else (0: never)' }),
  loginMaxFailures: int({ env: 'LOGIN_MAX_FAILURES', default: 5, min: 1, max: 1000, unit: 'attempts', doc: 'failed logins of one account, or from one address, within `LOGIN_FAILURE_WINDOW_S` that lock it (423 / 429)' }),
  loginFailureWindowS: int({ env: 'LOGIN_FAILURE_WINDOW_S', default: 900, min: 1, max: 86_400, unit: 's', doc: 'window in which failed logins are counted' }),
  loginLockS: int({ env: 'LOGIN_LOCK_S', default: 900, min: 1, max: 86_400, unit: 's', doc: 'how long a locked account or address stays locked' }),
  tlsCertFile: text({ env: 'TLS_CERT_FILE', default: null, defaultText: '(plain HTTP)', doc: 'PEM certificate (chain); with `TLS_KEY_FILE` the API serves HTTPS only' }),
  tlsKeyFile: text({ env: 'TLS_KEY_FILE', default: null, defaultText: '(plain HTTP)', doc: 'PEM private key of `TLS_CERT_FILE`; set both or neither' }),
  logLevel: choice({ env: 'LOG_LEVEL', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', doc: 'pino level (logs are JSON lines)' }),
};
