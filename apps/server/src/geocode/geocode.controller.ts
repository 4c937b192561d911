import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { FEATURE_KINDS, type GeoFeature, parseCoordinates, type PlaceHit } from '@rescue/geocode';
import { type LatLon, wgs84ToBd09, wgs84ToGcj02 } from '@rescue/telemetry';
import { parseLatLon } from '../routing/route-query';
import { RoutingService } from '../routing/routing.service';
import { Roles } from '../security/access.decorators';
import { GeocodeService } from './geocode.service';
import { DEFAULT_LIMIT, DEFAULT_ROAD_MAX_M, MAX_LIMIT, MAX_QUERY_CHARS, MAX_ROAD_MAX_M, parseCoordinate, parseCrs, parseKinds, parseLimit, parseRoadMaxM, parseSearchText, parseText } from './geocode-query';

const ATTRIBUTION = '© OpenStreetMap contributors, ODbL 1.0';
const r7 = (x: number): number => Math.round(x * 1e7) / 1e7;
const point = (p: LatLon): LatLon => ({ lat: r7(p.lat), lon: r7(p.lon) });

function placeOut(f: GeoFeature) {
  return {
    id: f.id,
    name: f.name,
    names: f.names,
    kind: f.kind,
    category: f.category,
    lat: r7(f.lat),
    lon: r7(f.lon),
    gcj02: point(wgs84ToGcj02(f)),
    ...(f.address ? { address: f.address } : {}),
    ...(f.context ? { context: f.context } : {}),
  };
}

function hitOut(h: PlaceHit) {
  return { ...placeOut(h.feature), match: h.match, score: Math.round(h.score * 100) / 100, ...(h.distanceM !== undefined ? { distanceM: h.distanceM } : {}) };
}

/**
 * Call intake's location tools over the loaded extract: place and address search, the nearest named
 * road of a point, and coordinates pasted from a map app. Dispatchers, viewers and planners.
 */
@ApiTags('geocode')
@Controller('geocode')
@Roles('dispatcher', 'viewer', 'planner')
export class GeocodeController {
  // @Inject by class: tsx/esbuild emit no decorator metadata.
  constructor(
    @Inject(GeocodeService) private readonly geocode: GeocodeService,
    @Inject(RoutingService) private readonly routing: RoutingService,
  ) {}

  @Get('info')
  @ApiOkResponse({ description: '{ready, extract, features, roads, roadSegments, byKind, buildMs}: the place index (ready false until built: the first search builds it)' })
  info() {
    return this.geocode.stats();
  }

  @Get('search')
  @ApiQuery({ name: 'q', description: `Place name or address, Chinese or Latin script, whole or its start, typos tolerated (at most ${MAX_QUERY_CHARS} characters)`, example: '人民医院' })
  @ApiQuery({ name: 'near', required: false, description: 'lat,lon (WGS-84): results nearer to it rank higher, and carry distanceM', example: '32.63,116.99' })
  @ApiQuery({ name: 'limit', required: false, description: `At most this many results, 1–${MAX_LIMIT} (default ${DEFAULT_LIMIT})` })
  @ApiQuery({ name: 'kind', required: false, description: `Only these kinds, comma-separated: ${FEATURE_KINDS.join(', ')}`, example: 'hospital,clinic' })
  @ApiOkResponse({
    description:
      '{query, near, tookMs, results: [{id (OSM n/w/r + id), name, names (all names: name:zh, name:en, alt_name…), kind, category (OSM tag), lat, lon (WGS-84), ' +
      'gcj02 {lat, lon}, address?, context? (nearest city, district, town: 淮南市 田家庵区 龙泉), match (exact|prefix|contains|fuzzy), score, distanceM? (with near)}], attribution}, best first',
  })
  @ApiBadRequestResponse({ description: 'BAD_INPUT: q missing or too long, near, limit or kind malformed' })
  async search(@Query('q') qRaw: unknown, @Query('near') nearRaw: unknown, @Query('limit') limitRaw: unknown, @Query('kind') kindRaw: unknown) {
    const q = parseSearchText(qRaw);
    const near = nearRaw === undefined || nearRaw === '' ? undefined : parseLatLon('near', nearRaw);
    const limit = parseLimit(limitRaw);
    const kinds = parseKinds(kindRaw);
    const { places } = await this.geocode.geocoder();
    const t0 = performance.now();
    const hits = places.search(q, { limit, kinds, ...(near ? { near: { lat: near[0], lon: near[1] } } : {}) });
    const tookMs = Math.round((performance.now() - t0) * 100) / 100;
    return { query: q, near: near ? { lat: near[0], lon: near[1] } : null, tookMs, results: hits.map(hitOut), attribution: ATTRIBUTION };
  }

  @Get('reverse')
  @ApiQuery({ name: 'lat', description: 'Latitude, WGS-84', example: '32.63' })
  @ApiQuery({ name: 'lon', description: 'Longitude, WGS-84', example: '116.99' })
  @ApiQuery({ name: 'maxM', required: false, description: `Search radius for the road in metres, 1–${MAX_ROAD_MAX_M} (default ${DEFAULT_ROAD_MAX_M})` })
  @ApiOkResponse({
    description:
      '{lat, lon, road: {name, wayId, distanceM, lat, lon (nearest point on it)} | null (no named road within maxM), ' +
      'place: {id, name, kind, lat, lon, distanceM, …} | null (nearest village/town/suburb within 5 km), attribution}',
  })
  @ApiBadRequestResponse({ description: 'BAD_INPUT: lat, lon or maxM missing or out of range' })
  async reverse(@Query('lat') latRaw: unknown, @Query('lon') lonRaw: unknown, @Query('maxM') maxRaw: unknown) {
    const lat = parseCoordinate('lat', latRaw);
    const lon = parseCoordinate('lon', lonRaw);
    const maxM = parseRoadMaxM(maxRaw);
    const r = (await this.geocode.geocoder()).reverse(lat, lon, maxM);
    return {
      lat,
      lon,
      road: r.road ? { name: r.road.name, wayId: r.road.wayId, distanceM: Math.round(r.road.distanceM * 10) / 10, lat: r7(r.road.lat), lon: r7(r.road.lon) } : null,
      place: r.place ? { ...placeOut(r.place.feature), distanceM: Math.round(r.place.distanceM) } : null,
      attribution: ATTRIBUTION,
    };
  }

  @Get('parse')
  @ApiQuery({ name: 'text', description: 'Coordinates as copied: "117.0,32.63" (AMap/Baidu, lng,lat), "32.63, 117.0", "lat=…&lng=…", "北纬32°37\'48\\" 东经117°0\'0\\""…', example: '116.99660,32.62720' })
  @ApiQuery({ name: 'crs', description: 'Datum of the text: WGS84 (GPS), GCJ02 (AMap, Tencent) or BD09 (Baidu); names such as amap, baidu, 高德, 百度 also accepted', example: 'GCJ02' })
  @ApiOkResponse({
    description:
      '{wgs84 {lat, lon}, gcj02, bd09, input {lat, lon} (as read, in crs), datum, order (lonlat|latlon), orderFrom (labels|range|region|default), ' +
      'alternative? (WGS-84 of the other order when both fit), inRegion (inside the loaded extract), warnings[]}',
  })
  @ApiBadRequestResponse({ description: 'BAD_INPUT: unreadable text, not two numbers, out of range, unknown or missing crs' })
  parse(@Query('text') textRaw: unknown, @Query('crs') crsRaw: unknown) {
    const text = parseText(textRaw);
    const crs = parseCrs(crsRaw);
    const bbox = this.routing.info().bbox;
    const p = parseCoordinates(text, crs, { bbox });
    const w = p.wgs84;
    const inRegion = w.lon >= bbox[0] && w.lon <= bbox[2] && w.lat >= bbox[1] && w.lat <= bbox[3];
    return {
      wgs84: point(w),
      gcj02: point(wgs84ToGcj02(w)),
      bd09: point(wgs84ToBd09(w)),
      input: p.input,
      datum: p.datum,
      order: p.order,
      orderFrom: p.orderFrom,
      ...(p.alternative ? { alternative: point(p.alternative) } : {}),
      inRegion,
      warnings: inRegion ? p.warnings : [...p.warnings, '点不在已加载的地图范围内 (outside the loaded map extract)'],
    };
  }
}
