import { Body, Controller, Get, HttpCode, HttpException, HttpStatus, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CoverageError } from '@rescue/coverage';
import { RoutingError } from '@rescue/routing';
import type { Response } from 'express';
import { CoverageRequestError, parseAnalysisBody, parseMinutes, parseRuleParam, parseSitingBody, parseStationParam } from './coverage-request';
import { QueueFullError } from './coverage-jobs';
import { CoverageService } from './coverage.service';
import { Roles } from '../security/access.decorators';

@ApiTags('coverage')
@Controller('coverage')
export class CoverageController {
  // @Inject by class: tsx/esbuild emit no decorator metadata.
  constructor(@Inject(CoverageService) private readonly coverage: CoverageService) {}

  @Get('rules')
  @ApiOkResponse({ description: 'Rule presets with their limits per area class and sources' })
  rules() {
    return this.coverage.rules();
  }

  @Roles('planner')
  @Get('isochrones')
  @ApiQuery({ name: 'station', description: 'Station id, or lat,lon of any point', example: 'ST-ALV' })
  @ApiQuery({ name: 'minutes', required: false, description: 'Limits in minutes', example: '5,10,15,30' })
  @ApiQuery({ name: 'network', required: false, description: 'Also return the reachable roads as MultiLineStrings', example: 'false' })
  @ApiOkResponse({ description: 'GeoJSON FeatureCollection: one MultiPolygon per limit (properties station, minutes, kind, vertices)' })
  async isochrones(@Query('station') station: unknown, @Query('minutes') minutes: unknown, @Query('network') network: unknown) {
    return this.handle(async () => {
      const site = parseStationParam(station);
      if (network !== undefined && network !== 'true' && network !== 'false') throw new CoverageRequestError('network: expected true or false');
      return this.coverage.isochrones(site, parseMinutes(minutes), network === 'true');
    });
  }

  @Roles('planner')
  @Post('analyses')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ description: '{id, status, progress}: poll GET /coverage/analyses/{id}' })
  @ApiBadRequestResponse({ description: 'Malformed rule, stations, demand or areas (the message names the field and line/feature)' })
  async startAnalysis(@Body() body: unknown) {
    return this.handle(async () => {
      const job = await this.coverage.startAnalysis(parseAnalysisBody(body, this.coverage.defaultRule));
      return { id: job.id, status: job.status, progress: job.progress, links: { self: `/coverage/analyses/${job.id}` } };
    });
  }

  @Roles('planner')
  @Get('analyses/:id')
  @ApiOkResponse({ description: 'Status and progress; when done, the summary (per class, stations, worst-served, ambulances) and links to GeoJSON/CSV' })
  analysis(@Param('id') id: string) {
    return this.coverage.jobView(id);
  }

  @Roles('planner')
  @Get('analyses/:id/:file')
  @ApiOkResponse({ description: 'demand.geojson, uncovered.geojson or demand.csv of a finished analysis' })
  file(@Param('id') id: string, @Param('file') file: string, @Res() res: Response): void {
    if (file !== 'demand.geojson' && file !== 'uncovered.geojson' && file !== 'demand.csv') throw new HttpException({ statusCode: 404, code: 'NOT_FOUND', message: `${file}: expected demand.geojson, uncovered.geojson or demand.csv` }, 404);
    const out = this.coverage.resultFile(id, file);
    if (!out) throw new HttpException({ statusCode: 409, code: 'NOT_READY', message: `analysis ${id} has not finished` }, 409);
    res.type(out.type).send(out.body);
  }

  @Roles('planner')
  @Post('sitings')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ description: '{id, status}: poll GET /coverage/sitings/{id}. Body {rule?, k?, candidates?: N | GeoJSON points, timeLimitS?}' })
  async startSiting(@Body() body: unknown) {
    return this.handle(async () => {
      const job = await this.coverage.startSiting(parseSitingBody(body, this.coverage.defaultRule));
      return { id: job.id, status: job.status, progress: job.progress, links: { self: `/coverage/sitings/${job.id}` } };
    });
  }

  @Roles('planner')
  @Get('sitings/:id')
  @ApiOkResponse({ description: 'Status and progress; when done, maximal covering (best k new sites) and set covering (fewest new sites), each with solver status, bound, gap and the greedy answer' })
  siting(@Param('id') id: string) {
    return this.coverage.sitingJob(id);
  }

  @Roles('planner')
  @Get('live')
  @ApiQuery({ name: 'rule', required: false, description: 'Rule preset (default from config)', example: '1030' })
  @ApiOkResponse({ description: 'Share of demand the available units reach within the rule now; per unit, the share lost if it is sent' })
  live(@Query('rule') rule: unknown) {
    return this.handleSync(() => this.coverage.live(parseRuleParam(rule, this.coverage.defaultRule)));
  }

  // A dispatcher weighs which unit to send by the coverage it leaves behind.
  @Roles('dispatcher', 'planner')
  @Get('live/dispatch-impact')
  @ApiQuery({ name: 'unit', description: 'Unit id of a candidate dispatch', example: 'AMB-01' })
  @ApiQuery({ name: 'rule', required: false, example: '1030' })
  @ApiOkResponse({ description: '{shareNow, shareIfSent, lossIfSent}: coverage removed by sending this unit' })
  dispatchImpact(@Query('unit') unit: unknown, @Query('rule') rule: unknown) {
    return this.handleSync(() => {
      if (typeof unit !== 'string' || unit === '') throw new CoverageRequestError('unit: required');
      return this.coverage.dispatchImpact(parseRuleParam(rule, this.coverage.defaultRule), unit);
    });
  }

  private async handle<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw toHttp(e);
    }
  }

  private handleSync<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw toHttp(e);
    }
  }
}

/** Domain errors become HTTP statuses here and only here. */
export function toHttp(e: unknown): unknown {
  if (e instanceof CoverageRequestError) return new HttpException({ statusCode: 400, code: 'BAD_INPUT', message: e.message }, 400);
  if (e instanceof QueueFullError) return new HttpException({ statusCode: 429, code: 'QUEUE_FULL', message: e.message }, 429);
  if (e instanceof CoverageError) {
    const status = e.code === 'NO_ROAD' ? 422 : e.code === 'SOLVER_FAILED' ? 500 : 400;
    return new HttpException({ statusCode: status, code: e.code, message: e.message }, status);
  }
  if (e instanceof RoutingError) {
    const status = e.code === 'BAD_INPUT' ? 400 : 422;
    return new HttpException({ statusCode: status, code: e.code, message: e.message }, status);
  }
  return e;
}
