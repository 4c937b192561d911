import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module';
import { CoverageController } from './coverage.controller';
import { CoverageService } from './coverage.service';

/**
 * Station coverage over HTTP: /coverage/rules, /coverage/isochrones, /coverage/analyses (jobs),
 * /coverage/live. The road graph comes from RoutingModule; the live fleet and the stations table
 * are used when the app has them (FleetModule, DatabaseModule).
 */
@Module({
  imports: [RoutingModule],
  controllers: [CoverageController],
  providers: [CoverageService],
  exports: [CoverageService],
})
export class CoverageModule {}
