import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { ConfigError, loadConfig } from '@rescue/config';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  let cfg;
  try {
    cfg = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('rescue-circle API')
    .setDescription('Live fleet, track replay, health and metrics of the 120 EMS backend. MQTT contract: docs/asyncapi.yaml.')
    .setVersion('0.1.0')
    .build();
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, doc));
  await app.listen(cfg.httpPort, cfg.httpHost);
  app.get(PinoNestLogger).log(`rescue-circle API on http://${cfg.httpHost}:${cfg.httpPort} (OpenAPI at /docs, units at /units)`);
}

bootstrap().catch((err: Error) => {
  process.stderr.write(`rescue-circle failed to start: ${err.message}\n`);
  process.exit(1);
});
