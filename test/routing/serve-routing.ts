// Boots only the routing module over HTTP on a free port and prints the URL: Jest's CommonJS
// runtime cannot load Nest 12 (ESM), so the HTTP test drives the app in a child process.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '../../apps/server/src/config.module';
import { RoutingModule } from '../../apps/server/src/routing/routing.module';

@Module({ imports: [ConfigModule, RoutingModule] })
class RoutingOnlyModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(RoutingOnlyModule, { logger: ['error', 'warn', 'log'] });
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`LISTENING ${(await app.getUrl()).replace('[::1]', '127.0.0.1')}\n`);
}
void main();
