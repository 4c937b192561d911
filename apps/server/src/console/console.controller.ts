import { Controller, Get, Header, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { FleetRepository, type StationRow } from '@rescue/persistence';
import { UNIT_STATUSES, UNIT_STATUS_LABELS_ZH } from '@rescue/contracts';
import { RoutingService } from '../routing/routing.service';
import { OpenToOutside, Public } from '../security/access.decorators';
import { roadNetworkGeoJson } from './road-network';
import { findWebRoot, leafletDist, StaticFile, StaticRoot } from './static-files';

const WEB_PREFIX = '/console/app/';
const LEAFLET_PREFIX = '/console/vendor/leaflet/';

/**
 * The operations console: its static files (web/ and Leaflet from node_modules, nothing from the
 * internet) and the few read-only endpoints only the console needs (stations, road basemap).
 */
@ApiTags('console')
@Controller()
export class ConsoleController {
  private readonly web: StaticRoot | null;
  private readonly leaflet: StaticRoot | null;
  private roadsJson: string | null = null;

  constructor(
    @Inject(RoutingService) private readonly routing: RoutingService,
    @Inject(FleetRepository) private readonly fleet: FleetRepository,
  ) {
    const webRoot = findWebRoot(__dirname);
    const leaflet = leafletDist();
    this.web = webRoot ? new StaticRoot(webRoot) : null;
    this.leaflet = leaflet ? new StaticRoot(leaflet) : null;
  }

  // The shell and its static files hold no data; the page asks for a key before it fetches any.
  @Public()
  @Get()
  @ApiExcludeEndpoint()
  index(@Res() res: Response): void {
    // Its Content-Security-Policy, like every response's, comes from security/security-headers.ts.
    send(res, this.web?.get('index.html') ?? null, 'no-cache');
  }

  @Public()
  @Get('console/app/*path')
  @ApiExcludeEndpoint()
  app(@Req() req: Request, @Res() res: Response): void {
    send(res, this.web?.get(req.path.slice(WEB_PREFIX.length)) ?? null, 'no-cache');
  }

  @Public()
  @Get('console/vendor/leaflet/*path')
  @ApiExcludeEndpoint()
  vendor(@Req() req: Request, @Res() res: Response): void {
    send(res, this.leaflet?.get(req.path.slice(LEAFLET_PREFIX.length)) ?? null, 'public, max-age=86400');
  }

  @OpenToOutside()
  @Get('console/stations')
  @ApiOperation({ summary: 'Stations (id, name, lat, lon, areaClass) for the console map' })
  @ApiOkResponse({ description: '{stations: [{id, name, lat, lon, areaClass}]}' })
  async stations(): Promise<{ stations: StationRow[] }> {
    return { stations: await this.fleet.stations() };
  }

  @OpenToOutside()
  @Get('console/statuses')
  @ApiOperation({ summary: 'Unit statuses in lifecycle order with their Chinese labels' })
  statuses(): { statuses: Array<{ status: string; zh: string }> } {
    return { statuses: UNIT_STATUSES.map((s) => ({ status: s, zh: UNIT_STATUS_LABELS_ZH[s] })) };
  }

  @OpenToOutside()
  @Get('console/roads')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  @ApiOperation({ summary: 'Offline basemap: the loaded road graph as GeoJSON (one simplified MultiLineString per speed class), with the OSM attribution' })
  roads(): string {
    // Computed once per process: the graph does not change while the server runs.
    this.roadsJson ??= JSON.stringify(roadNetworkGeoJson(this.routing.graph, this.routing.info().attribution));
    return this.roadsJson;
  }
}

function send(res: Response, file: StaticFile | null, cacheControl: string): void {
  if (!file) throw new NotFoundException();
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.send(file.body);
}
