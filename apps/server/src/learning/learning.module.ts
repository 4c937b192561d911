import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module';
import { LearningController } from './learning.controller';
import { LearningService } from './learning.service';

/** Learned travel times from the fleet's own tracks (issue 16): scheduled and on-demand runs, versions. */
@Module({
  imports: [RoutingModule],
  controllers: [LearningController],
  providers: [LearningService],
  exports: [LearningService],
})
export class LearningModule {}
