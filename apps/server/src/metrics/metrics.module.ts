import { Controller, Get, Global, Header, Module } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { collectDefaultMetrics, Registry } from 'prom-client';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  @ApiOkResponse({ description: 'Prometheus text format: received, stored, rejected by reason, batch commit latency, process metrics' })
  async metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

/** One Prometheus registry per app (not the global one, so tests can run several apps in a process). */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: Registry,
      useFactory: () => {
        const registry = new Registry();
        collectDefaultMetrics({ register: registry, prefix: 'rc_' });
        return registry;
      },
    },
  ],
  exports: [Registry],
})
export class MetricsModule {}
