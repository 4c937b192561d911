// Boots the coverage module (with routing, and a live fleet of three units) over HTTP on a free
// port and prints the URL: Jest's CommonJS runtime cannot load Nest 12 (ESM), so the HTTP test
// drives it in a child process. No database: stations are the demo ones.
import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LiveFleet } from '@rescue/fleet';
import { ConfigModule } from '../../apps/server/src/config.module';
import { CoverageModule } from '../../apps/server/src/coverage/coverage.module';

const now = Date.now();
const unit = (unitId: string, lat: number, lon: number, status: string) => ({
  unitId,
  name: unitId,
  stationId: null,
  capabilities: [],
  status,
  statusTs: now,
  taskId: null,
  online: true,
  lastFix: { ts: now, lat, lon, speedKmh: 0, headingDeg: null },
});

@Global()
@Module({
  providers: [
    {
      provide: LiveFleet,
      useFactory: () => {
        const f = new LiveFleet();
        f.load([unit('AMB-01', 42.5063, 1.5218, 'available_at_station'), unit('AMB-02', 42.4636, 1.4913, 'available_at_station'), unit('AMB-03', 42.5676, 1.5976, 'en_route')]);
        return f;
      },
    },
  ],
  exports: [LiveFleet],
})
class TestFleetModule {}

@Module({ imports: [ConfigModule, TestFleetModule, CoverageModule] })
class CoverageOnlyModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(CoverageOnlyModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`LISTENING ${(await app.getUrl()).replace('[::1]', '127.0.0.1')}\n`);
}
void main();
