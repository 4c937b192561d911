import { Global, Module } from '@nestjs/common';
import { FleetRepository } from '@rescue/persistence';
import { LiveFleet } from '@rescue/fleet';
import { RoutingModule } from '../routing/routing.module';
import { FleetPositionsService } from './fleet-positions.service';
import { SseLimits } from './sse-limits';
import { UnitsController } from './units.controller';

/**
 * The live fleet, rebuilt from the database at start-up; ingest advances it after each commit, and
 * FleetPositionsService keeps its units placed on the road graph. Global,
 * so modules that can do without it (coverage) inject it as optional instead of importing it.
 */
@Global()
@Module({
  imports: [RoutingModule],
  controllers: [UnitsController],
  providers: [
    SseLimits,
    FleetPositionsService,
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
  exports: [LiveFleet, FleetPositionsService, SseLimits],
})
export class FleetModule {}
