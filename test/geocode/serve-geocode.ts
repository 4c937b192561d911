// Boots the geocode module (with the routing module it reads the region from) over HTTP on a free
// port and prints the URL; a child process because Jest's CommonJS runtime cannot load Nest 12 (ESM).
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '../../apps/server/src/config.module';
import { GeocodeModule } from '../../apps/server/src/geocode/geocode.module';

@Module({ imports: [ConfigModule, GeocodeModule] })
class GeocodeOnlyModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(GeocodeOnlyModule, { logger: ['error', 'warn', 'log'] });
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`LISTENING ${(await app.getUrl()).replace('[::1]', '127.0.0.1')}\n`);
}
void main();
