import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiQuery, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { MATCH_MAX_POINTS, parseMatchBody } from './match-request';
import { parseAt, parseLatLon, parseOptimize, parseProfile, parseTripKind } from './route-query';
import { RoutingService } from './routing.service';
import { OpenToOutside } from '../security/access.decorators';

@ApiTags('routing')
@Controller('routing')
export class RoutingController {
  // @Inject by class: tsx/esbuild emit no decorator metadata.
  constructor(@Inject(RoutingService) private readonly routing: RoutingService) {}

  @OpenToOutside()
  @Get('info')
  @ApiOkResponse({ description: 'The loaded road graph: extract, bbox [minLon,minLat,maxLon,maxLat], vertex and edge counts, profile, build time' })
  info() {
    return this.routing.info();
  }

  @Get('route')
  @ApiQuery({ name: 'from', description: 'Start as lat,lon (WGS-84 decimal degrees)', example: '42.5078,1.5211' })
  @ApiQuery({ name: 'to', description: 'Destination as lat,lon (WGS-84 decimal degrees)', example: '42.5353,1.5832' })
  @ApiQuery({ name: 'optimize', required: false, enum: ['time', 'distance'], description: 'Minimise travel time (default) or road distance' })
  @ApiQuery({ name: 'profile', required: false, enum: ['static', 'learned'], description: 'Travel times of the static speed profile (default) or learned from the fleet\'s tracks' })
  @ApiQuery({ name: 'at', required: false, description: 'With profile=learned: time of the trip (ISO 8601), which picks the hour-of-week slot; default now', example: '2026-01-05T08:00:00+08:00' })
  @ApiQuery({ name: 'trip', required: false, enum: ['emergency', 'other'], description: 'With profile=learned: speeds of emergency trips (default) or of other driving' })
  @ApiOkResponse({ description: '{distanceM, durationS, geometry (GeoJSON LineString), snap: {fromM, toM}, travelTimes: {profile, version, hourOfWeek, kind}}' })
  @ApiBadRequestResponse({ description: 'Malformed or out-of-range parameters' })
  @ApiUnprocessableEntityResponse({ description: 'SNAP_TOO_FAR (a point is farther than the snap limit from any road) or UNREACHABLE' })
  route(@Query('from') from: unknown, @Query('to') to: unknown, @Query('optimize') optimize: unknown, @Query('profile') profile: unknown, @Query('at') at: unknown, @Query('trip') trip: unknown) {
    return this.routing.route(parseLatLon('from', from), parseLatLon('to', to), parseOptimize(optimize), parseProfile(profile), parseAt(at), parseTripKind(trip));
  }

  @Post('match')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    description:
      'Map-matched track (hidden Markov model, Newson & Krumm 2009). Body {points: [{lat, lon, ts}], sigmaM?}, ts in epoch ms or ISO 8601, ' +
      `at most ${MATCH_MAX_POINTS} fixes. Returns {segments: [{firstIndex, lastIndex, geometry, distanceM, durationS, confidence, points, edges: ` +
      '[{edge, wayId, distanceM, fromFrac, toFrac, full, enterTs, exitTs, durationS}]}], unmatched (input indices), sigmaM, distanceM, confidence}. ' +
      'A track is split where no plausible road path joins two fixes.',
  })
  @ApiBadRequestResponse({ description: 'Malformed body, too many points, times going back' })
  match(@Body() body: unknown) {
    const { points, options } = parseMatchBody(body);
    return this.routing.match(points, options);
  }
}
