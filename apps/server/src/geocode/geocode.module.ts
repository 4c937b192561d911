import { Module } from '@nestjs/common';
import { ErrorsModule } from '../errors/errors.module';
import { RoutingModule } from '../routing/routing.module';
import { GeocodeController } from './geocode.controller';
import { GeocodeService } from './geocode.service';

/** Place search, nearest road and pasted coordinates over the extract the road graph is built from. */
@Module({
  imports: [ErrorsModule, RoutingModule],
  controllers: [GeocodeController],
  providers: [GeocodeService],
  exports: [GeocodeService],
})
export class GeocodeModule {}
