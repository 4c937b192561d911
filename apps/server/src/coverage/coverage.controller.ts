import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { BadInputError, DomainError, NotFoundError } from '@rescue/common';
import type { AppConfig } from '@rescue/config';
import { RULE_PRESETS } from '@rescue/coverage';
import type { Response } from 'express';
import { APP_CONFIG } from '../config.module';
import { Roles } from '../security/access.decorators';
import { AnalysisJobsService } from './analysis-jobs.service';
import { parseAnalysisBody, parseMinutes, parseRuleParam, parseSitingBody, parseStationParam } from './coverage-request';
import { IsochroneService } from './isochrone.service';
import { LiveCoverageService } from './live-coverage.service';
import { SitingJobsService } from './siting-jobs.service';

@ApiTags('coverage')
@Controller('coverage')
export class CoverageController {
  // @Inject by class: tsx/esbuild emit no decorator metadata.
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(IsochroneService) private readonly isochroneService: IsochroneService,
    @Inject(AnalysisJobsService) private readonly analyses: AnalysisJobsService,
    @Inject(SitingJobsService) private readonly sitings: SitingJobsService,
    @Inject(LiveCoverageService) private readonly liveCoverage: LiveCoverageService,
  ) {}

  private get defaultRule(): string {
    return this.config.coverageDefaultRule;
  }

  @Get('rules')
  @ApiOkResponse({ description: 'Rule presets with their limits per area class and sources' })
  rules() {
    return Object.values(RULE_PRESETS);
  }

  @Roles('planner')
  @Get('isochrones')
  @ApiQuery({ name: 'station', description: 'Station id, or lat,lon of any point', example: 'ST-ALV' })
  @ApiQuery({ name: 'minutes', required: false, description: 'Limits in minutes', example: '5,10,15,30' })
  @ApiQuery({ name: 'network', required: false, description: 'Also return the reachable roads as MultiLineStrings', example: 'false' })
  @ApiOkResponse({ description: 'GeoJSON FeatureCollection: one MultiPolygon per limit (properties station, minutes, kind, vertices)' })
  async isochrones(@Query('station') station: unknown, @Query('minutes') minutes: unknown, @Query('network') network: unknown) {
    const site = parseStationParam(station);
    if (network !== undefined && network !== 'true' && network !== 'false') throw new BadInputError('network: expected true or false');
    return this.isochroneService.isochrones(site, parseMinutes(minutes), network === 'true');
  }

  @Roles('planner')
  @Post('analyses')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ description: '{id, status, progress}: poll GET /coverage/analyses/{id}' })
  @ApiBadRequestResponse({ description: 'Malformed rule, stations, demand or areas (the message names the field and line/feature)' })
  async startAnalysis(@Body() body: unknown) {
    const job = await this.analyses.start(parseAnalysisBody(body, this.defaultRule));
    return { id: job.id, status: job.status, progress: job.progress, links: { self: `/coverage/analyses/${job.id}` } };
  }

  @Roles('planner')
  @Get('analyses/:id')
  @ApiOkResponse({ description: 'Status and progress; when done, the summary (per class, stations, worst-served, ambulances) and links to GeoJSON/CSV' })
  analysis(@Param('id') id: string) {
    return this.analyses.view(id);
  }

  @Roles('planner')
  @Get('analyses/:id/:file')
  @ApiOkResponse({ description: 'demand.geojson, uncovered.geojson or demand.csv of a finished analysis' })
  file(@Param('id') id: string, @Param('file') file: string, @Res() res: Response): void {
    if (file !== 'demand.geojson' && file !== 'uncovered.geojson' && file !== 'demand.csv') throw new NotFoundError(`${file}: expected demand.geojson, uncovered.geojson or demand.csv`);
    const out = this.analyses.resultFile(id, file);
    if (!out) throw new DomainError('NOT_READY', `analysis ${id} has not finished`);
    res.type(out.type).send(out.body);
  }

  @Roles('planner')
  @Post('sitings')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ description: '{id, status}: poll GET /coverage/sitings/{id}. Body {rule?, k?, candidates?: N | GeoJSON points, timeLimitS?}' })
  async startSiting(@Body() body: unknown) {
    const job = await this.sitings.start(parseSitingBody(body, this.defaultRule));
    return { id: job.id, status: job.status, progress: job.progress, links: { self: `/coverage/sitings/${job.id}` } };
  }

  @Roles('planner')
  @Get('sitings/:id')
  @ApiOkResponse({ description: 'Status and progress; when done, maximal covering (best k new sites) and set covering (fewest new sites), each with solver status, bound, gap and the greedy answer' })
  siting(@Param('id') id: string) {
    return this.sitings.job(id);
  }

  @Roles('planner')
  @Get('live')
  @ApiQuery({ name: 'rule', required: false, description: 'Rule preset (default from config)', example: '1030' })
  @ApiOkResponse({ description: 'Share of demand the available units reach within the rule now; per unit, the share lost if it is sent' })
  async live(@Query('rule') rule: unknown) {
    const r = parseRuleParam(rule, this.defaultRule);
    await this.liveCoverage.refreshDemand();
    return this.liveCoverage.live(r);
  }

  // A dispatcher weighs which unit to send by the coverage it leaves behind.
  @Roles('dispatcher', 'planner')
  @Get('live/dispatch-impact')
  @ApiQuery({ name: 'unit', description: 'Unit id of a candidate dispatch', example: 'AMB-01' })
  @ApiQuery({ name: 'rule', required: false, example: '1030' })
  @ApiOkResponse({ description: '{shareNow, shareIfSent, lossIfSent}: coverage removed by sending this unit' })
  async dispatchImpact(@Query('unit') unit: unknown, @Query('rule') rule: unknown) {
    if (typeof unit !== 'string' || unit === '') throw new BadInputError('unit: required');
    const r = parseRuleParam(rule, this.defaultRule);
    await this.liveCoverage.refreshDemand();
    return this.liveCoverage.dispatchImpact(r, unit);
  }
}
