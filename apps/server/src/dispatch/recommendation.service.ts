import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@rescue/config';
import { DEFAULT_RANK_POLICY, type RecommendContext, recommend, type Recommendation, type RecommendationRequest } from '@rescue/dispatch';
import { LiveFleet } from '@rescue/fleet';
import { APP_CONFIG } from '../config.module';
import { FleetPositionsService } from '../fleet/fleet-positions.service';
import { RoutingService } from '../routing/routing.service';

export type { Candidate, Recommendation, RecommendationRequest } from '@rescue/dispatch';

/** Recommendations (libs/dispatch `recommend`) on the live fleet and the positions its update keeps. */
@Injectable()
export class RecommendationService {
  private ctx: RecommendContext | null = null;

  constructor(
    private readonly fleet: LiveFleet,
    private readonly routing: RoutingService,
    private readonly positions: FleetPositionsService,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  recommend(req: RecommendationRequest, now = Date.now()): Recommendation {
    this.ctx ??= {
      fleet: this.fleet,
      positions: this.positions.get(),
      snapIncident: (lat, lon) => this.routing.snap(lat, lon),
      staleAfterS: this.cfg.staleAfterS,
      policy: { ...DEFAULT_RANK_POLICY, staleUnits: this.cfg.dispatchStaleUnits },
    };
    return recommend(this.ctx, req, now);
  }
}
