import { Module } from '@nestjs/common';
import { ErrorsModule } from '../errors/errors.module';
import { RoutingController } from './routing.controller';
import { RoutingService } from './routing.service';

/** Road graph of the region named by OSM_EXTRACT; RoutingService is the handle other modules inject. */
@Module({
  imports: [ErrorsModule],
  controllers: [RoutingController],
  providers: [RoutingService],
  exports: [RoutingService],
})
export class RoutingModule {}
