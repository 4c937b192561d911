import { Controller, Get, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../security/access.decorators';
import { LearningService } from './learning.service';

@ApiTags('routing')
@Controller('routing/learning')
export class LearningController {
  constructor(@Inject(LearningService) private readonly learning: LearningService) {}

  @Roles('planner')
  @Post('runs')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ description: 'Matches the fixes stored since the last run and builds a new learned-speed model version: {match: {units, fixes, trips, traversals, unmatchedFixes, skipped}, version, coverage}' })
  @ApiConflictResponse({ description: 'A run is already in progress' })
  run() {
    return this.learning.run(); // a run in progress: LearningBusyError, 409 BUSY
  }

  @Get('models')
  @ApiOkResponse({ description: 'Learned-speed model versions of the loaded graph, newest first, with coverage (share of edges, of road length and of driven metres with learned data, per trip kind)' })
  models() {
    return this.learning.models();
  }
}
