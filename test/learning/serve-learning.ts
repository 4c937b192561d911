// Boots routing + learned speeds (with the database of DATABASE_URL) over HTTP on a free port and
// prints the URL: Jest's CommonJS runtime cannot load Nest 12 (ESM), so the test drives a child process.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '../../apps/server/src/config.module';
import { DatabaseModule } from '../../apps/server/src/database/database.module';
import { LearningModule } from '../../apps/server/src/learning/learning.module';
import { LoggingModule } from '../../apps/server/src/logging/logging.module';
import { RoutingModule } from '../../apps/server/src/routing/routing.module';

@Module({ imports: [ConfigModule, LoggingModule, DatabaseModule, RoutingModule, LearningModule] })
class LearningOnlyModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(LearningOnlyModule, { logger: ['error', 'warn', 'log'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`LISTENING ${(await app.getUrl()).replace('[::1]', '127.0.0.1')}\n`);
}
void main();
