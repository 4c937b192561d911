import { Global, Module } from '@nestjs/common';
import { FleetRepository } from '@rescue/persistence';
import { LiveFleet } from '@rescue/fleet';
import { SseLimits } from './sse-limits';
import { UnitsController } from './units.controller';

/**
 * The live fleet, rebuilt from the database at start-up; ingest advances it after each commit. Global,
 * so modules that can do without it (coverage) inject it as optional instead of importing it.
 */
@Global()
@Module({
  controllers: [UnitsController],
  providers: [
    SseLimits,
    {
      provide: LiveFleet,
      inject: [FleetRepository],
      useFactory: async (repo: FleetRepository): Promise<LiveFleet> => {
        const fleet = new LiveFleet();
        fleet.load(await repo.snapshot());
        return fleet;
      },
    },
  ],
  exports: [LiveFleet],
})
export class FleetModule {}
