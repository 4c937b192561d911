import { BadInputError, NotFoundError } from '@rescue/common';
import { type CoverageRule, type LiveCoverage, liveCoverage } from '@rescue/coverage';
import { dispatchExclusion } from '@rescue/dispatch';
import type { FleetPositions, LiveFleet } from '@rescue/fleet';
import type { CoverageInputs } from './coverage-inputs';

/** Coverage by the live fleet where it is now, and what sending one unit would take away. */
export class LiveCoverageService {
  /** fleet: null when the server keeps no live fleet (the module's HTTP test without one). */
  constructor(
    private readonly inputs: CoverageInputs,
    private readonly fleet: Pick<LiveFleet, 'list'> | null = null,
    /** Units as the fleet update placed them on the road (null: snapped here from their last fix). */
    private readonly positions: (() => Pick<FleetPositions, 'graph' | 'pointOf'>) | null = null,
  ) {}

  /** Share of demand the available units can reach within the rule where they are now. */
  live(rule: CoverageRule, now = Date.now()): LiveCoverage & { rule: string; at: string } {
    if (!this.fleet) throw new BadInputError('no live fleet in this server');
    const cfg = this.inputs.config;
    const g = this.inputs.graph;
    const placed = this.positions?.() ?? null;
    const onGraph = placed !== null && placed.graph === g;
    const units = this.fleet
      .list(now, cfg.staleAfterS)
      .filter((u) => u.lastFix !== null)
      .map((u) => ({
        id: u.unitId,
        name: u.name ?? u.unitId,
        lat: u.lastFix!.lat,
        lon: u.lastFix!.lon,
        ...(onGraph ? { at: placed.pointOf(u) } : {}),
        // The rule dispatch uses, with a fresh fix to place the unit; the road is the analysis's own.
        available:
          dispatchExclusion(
            { status: u.status, taskId: u.taskId, online: u.online, capabilities: u.capabilities, fixAgeS: u.fixAgeS },
            { requiredCapabilities: [], staleAfterS: cfg.staleAfterS, staleAllowed: false },
          ) === null,
      }));
    return { rule: rule.id, at: new Date(now).toISOString(), ...liveCoverage(g, rule, units, this.inputs.demand(null), this.inputs.areas(null), cfg.routingSnapMaxM) };
  }

  /** Picks up a population import made since the last call (the live picture counts people then). */
  refreshDemand(): Promise<void> {
    return this.inputs.refreshPopulation();
  }

  /** How much live coverage sending one unit would remove (for a dispatch recommendation). */
  dispatchImpact(rule: CoverageRule, unitId: string, now = Date.now()) {
    const live = this.live(rule, now);
    const u = live.units.find((x) => x.id === unitId);
    if (!u) {
      const why = live.excluded.find((x) => x.id === unitId);
      throw new NotFoundError(why ? `unit ${unitId} is not counted: ${why.reason}` : `unit ${unitId}: no live position`);
    }
    return { unit: unitId, rule: live.rule, at: live.at, shareNow: live.share, shareIfSent: live.share - u.lossIfSent, lossIfSent: u.lossIfSent, uncoveredWeightIfSent: u.uniqueWeight };
  }
}
