import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module';
import { ConsoleController } from './console.controller';

/**
 * Operations console (issue #7): serves web/ at `/` (static ES modules + Leaflet from node_modules,
 * no CDN, no online tiles by default) and console-only reads: stations, statuses, the road basemap.
 * FleetRepository comes from the global DatabaseModule.
 */
@Module({
  imports: [RoutingModule],
  controllers: [ConsoleController],
})
export class ConsoleModule {}
