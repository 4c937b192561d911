// The JT/T 808 gateway as its own process (production): `npm run jt808-gateway` (built:
// node dist/apps/server/apps/server/src/jt808/gateway-main.js). Needs MQTT_URL (the broker's service
// listener), JT808_MQTT_USERNAME/PASSWORD (a service user with the gateway role) and DATABASE_URL (the
// jt808_terminals table). Terminals connect on JT808_HOST:JT808_PORT; a location's 0x8001 leaves once
// the persistent broker acknowledged the gateway's QoS 1 publish, the promise MQTT terminals get.
import 'reflect-metadata';
import { createServer } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { ConfigError, loadConfig } from '@rescue/config';
import { closeDatabase, Jt808TerminalsRepository, openDatabase } from '@rescue/persistence';
import { createRootLogger } from '../logging/root-logger';
import { Jt808Gateway } from './gateway';
import { gatewayOptionsFrom } from './jt808.module';
import { Jt808Directory } from './terminal-directory';
import { connectMqttUplink } from './uplink';

async function main(): Promise<void> {
  const cfg = loadConfig();
  if (!cfg.mqttUrl) throw new ConfigError('the standalone JT/T 808 gateway needs MQTT_URL (a persistent broker); the embedded default runs its own gateway inside `npm start`');
  if (!cfg.databaseUrl) throw new ConfigError('the standalone JT/T 808 gateway needs DATABASE_URL (terminal identities in jt808_terminals)');
  if (cfg.jt808Port === 0) throw new ConfigError('JT808_PORT=0 turns the gateway off; nothing to run');
  const log = createRootLogger(cfg.logLevel).child({ module: 'jt808' });
  const { dataSource } = await openDatabase({ databaseUrl: cfg.databaseUrl, pgliteDir: '' });
  const directory = new Jt808Directory(new Jt808TerminalsRepository(dataSource), log.child({ module: 'jt808-directory' }));
  await directory.start();
  const uplink = await connectMqttUplink({
    url: cfg.mqttUrl,
    username: cfg.jt808MqttUsername ?? undefined,
    password: cfg.jt808MqttPassword ?? undefined,
    clientId: `${cfg.jt808MqttUsername ?? 'rc.jt808'}-${process.pid}`,
    receipts: null, // durable on the broker's PUBACK
    log,
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gateway = new Jt808Gateway(gatewayOptionsFrom(cfg), directory, uplink, registry, log);
  const port = await gateway.start();
  // Metrics on PORT (loopback unless HTTP_HOST says otherwise): GET /metrics, GET /health.
  const http = createServer((req, res) => {
    if (req.url === '/metrics') {
      void registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text));
    } else if (req.url === '/health') {
      const ok = uplink.connected;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'down', broker: ok, connections: gateway.connectionCount }));
    } else res.writeHead(404).end();
  });
  http.listen(cfg.httpPort, cfg.httpHost);
  log.info({ port, host: cfg.jt808Host, metrics: `${cfg.httpHost}:${cfg.httpPort}` }, `JT/T 808 gateway listening on ${cfg.jt808Host}:${port}`);
  const stop = async (): Promise<void> => {
    log.info('stopping: closing terminal connections, then the broker link');
    http.close();
    await gateway.close();
    await uplink.close();
    directory.stop();
    await closeDatabase(dataSource);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((err: Error) => {
  process.stderr.write(`${err instanceof ConfigError ? 'configuration error' : 'jt808 gateway failed to start'}: ${err.message}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
