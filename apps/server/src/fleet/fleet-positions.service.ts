import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Subscription } from 'rxjs';
import type { AppConfig } from '@rescue/config';
import { FleetPositions, LiveFleet } from '@rescue/fleet';
import { APP_CONFIG } from '../config.module';
import { RoutingService } from '../routing/routing.service';

/**
 * Keeps the live fleet's positions on the road graph as the fleet update applies fixes (ingest's
 * commit, on the same turn), so dispatch calls and live coverage read placed units instead of
 * snapping every unit per call. The upkeep is exported as metrics (cost moved into ingest).
 */
@Injectable()
export class FleetPositionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private positions: FleetPositions | null = null;
  private sub: Subscription | null = null;

  constructor(
    private readonly fleet: LiveFleet,
    private readonly routing: RoutingService,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    @Optional() @Inject(Registry) private readonly registry?: Registry,
  ) {}

  /** Once every module is initialised (the road graph is loaded in RoutingService.onModuleInit). */
  onApplicationBootstrap(): void {
    this.get();
  }

  onModuleDestroy(): void {
    this.sub?.unsubscribe();
  }

  get(): FleetPositions {
    if (this.positions) return this.positions;
    const positions = new FleetPositions(this.routing.graph, { snapMaxM: this.cfg.routingSnapMaxM });
    for (const u of this.fleet.inOrder()) positions.update(u);
    this.sub = this.fleet.changes.subscribe((u) => positions.update(u));
    this.positions = positions;
    if (this.registry) registerMetrics(this.registry, positions);
    return positions;
  }
}

function registerMetrics(registry: Registry, positions: FleetPositions): void {
  if (registry.getSingleMetric('rc_fleet_position_fixes_total')) return;
  const u = positions.upkeep;
  const seen = { fixes: 0, snapS: 0, bucketS: 0 };
  new Counter({
    name: 'rc_fleet_position_fixes_total', help: 'Fixes placed on the road graph by the fleet update', registers: [registry],
    collect() {
      this.inc(u.fixes - seen.fixes);
      seen.fixes = u.fixes;
    },
  });
  new Counter({
    name: 'rc_fleet_position_update_seconds_total', help: 'Time the fleet update spent placing fixes, by part (snap; buckets: many-to-one upkeep)',
    labelNames: ['part'], registers: [registry],
    collect() {
      this.inc({ part: 'snap' }, u.snapS - seen.snapS);
      this.inc({ part: 'buckets' }, u.bucketS - seen.bucketS);
      seen.snapS = u.snapS;
      seen.bucketS = u.bucketS;
    },
  });
  new Gauge({
    name: 'rc_fleet_position_bucket_entries', help: 'Entries of the many-to-one buckets (units’ upward searches kept)', registers: [registry],
    collect() {
      this.set(positions.stats?.bucketEntries ?? 0);
    },
  });
}
