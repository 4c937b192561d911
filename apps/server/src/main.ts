import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { ConfigError, loadConfig } from '@rescue/config';
import { Registry } from 'prom-client';
import { AppModule } from './app.module';
import { loadApiKeys, type LoadedApiKeys } from './security/api-key-file';
import { installHttpLimits } from './http-limits/http-limits';
import { readTlsFiles, type TlsFiles } from './security/tls-files';
import { securityHeaders } from './security/security-headers';
import { boundShutdown } from './shutdown/bounded-close';
import { DEMO_ADMIN_ACCOUNT, type DemoAdminAccount } from './accounts/accounts.module';

async function bootstrap(): Promise<void> {
  let cfg;
  let keys: LoadedApiKeys;
  let tls: TlsFiles | null;
  try {
    cfg = loadConfig();
    tls = readTlsFiles(cfg);
    // Before Nest: a bad key file must be a configuration error (exit 2) naming the line, not a crash.
    // Read once and handed to Nest, so `created` is true on the start that created the file.
    keys = loadApiKeys(cfg);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  // bodyParser off: installHttpLimits puts bounded JSON parsers behind the rate limit instead.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.withKeys(keys), { bufferLogs: true, bodyParser: false, ...(tls ? { httpsOptions: tls } : {}) });
  // First: every answer, refusals of the limits included, carries the security headers.
  app.use(securityHeaders(tls !== null));
  installHttpLimits(app, cfg, app.get(Registry), keys.ring);
  app.useLogger(app.get(PinoNestLogger));
  app.enableShutdownHooks();
  // SSE streams and stalled clients must not hold a stopping server: all connections end after a grace.
  boundShutdown(app.getHttpServer());
  const doc = new DocumentBuilder()
    .setTitle('rescue-circle API')
    .setDescription('Live fleet, track replay, health and metrics of the 120 EMS backend. MQTT contract: docs/asyncapi.yaml.')
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key (Authorization: Bearer <key>); roles admin, dispatcher, planner, viewer' })
    .addSecurityRequirements('bearer')
    .build();
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, doc));
  await app.listen(cfg.httpPort, cfg.httpHost);
  const scheme = tls ? 'https' : 'http';
  app.get(PinoNestLogger).log(`rescue-circle API on ${scheme}://${cfg.httpHost}:${cfg.httpPort} (OpenAPI at /docs, units at /units)`);
  const demoKey = keys.demoAdminKey;
  if (demoKey) {
    // Embedded demo only (a production server never prints a key). The key rides in the URL fragment,
    // which the browser never sends to the server, so it reaches no request log.
    const host = cfg.httpHost === '0.0.0.0' ? '127.0.0.1' : cfg.httpHost;
    process.stdout.write(`\n  rescue-circle demo: admin API key ${demoKey}\n  console: ${scheme}://${host}:${cfg.httpPort}/#key=${demoKey}\n  curl -H 'Authorization: Bearer ${demoKey}' ${scheme}://${host}:${cfg.httpPort}/units\n\n`);
  }
  const demoAccount = app.get<DemoAdminAccount>(DEMO_ADMIN_ACCOUNT);
  if (demoAccount) {
    // Only on the start that created it: the password is stored nowhere but as its scrypt hash.
    process.stdout.write(`  demo account (shown once, change it at first login): ${demoAccount.username} / ${demoAccount.password}\n\n`);
  }
}

bootstrap().catch((err: Error) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`configuration error: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`rescue-circle failed to start: ${err.message}\n`);
  process.exit(1);
});
