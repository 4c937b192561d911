import { BadInputError, NotFoundError } from '@rescue/common';
import type { AppConfig } from '@rescue/config';
import {
  type AreaClassifier,
  classifierFromPolygons,
  demandFromExtract,
  demandFromIncidents,
  type DemandSet,
  densityFallbackClassifier,
  type ExtractFeatures,
  populationDemand,
  populationFromRows,
  readExtractFeatures,
  type StationInput,
} from '@rescue/coverage';
import type { FleetRepository, PopulationRepository, TaskRepository } from '@rescue/persistence';
import type { RoadGraph } from '@rescue/routing';
import type { RoutingService } from '../routing/routing.service';
import { DEMO_STATIONS } from '../simulator/demo-fleet';
import type { StationParam } from './coverage-request';

/** Where the road graph comes from (RoutingService in the app; a hand-drawn map in specs). */
export type GraphSource = Pick<RoutingService, 'graph'>;

/**
 * What every coverage use case reads: the road graph, the registered stations, the demand and area
 * classes (given in the request, or derived once from the extract), past incidents. The stations and
 * tasks tables are optional: without a database (the module's HTTP test) the demo stations stand in
 * and incident demand is refused. Plain TypeScript (Nest 12 cannot load in the unit specs): CoverageModule
 * wires it with optional injection of the two tables.
 */
export class CoverageInputs {
  private features: ExtractFeatures | null = null;
  private fallbackAreas: AreaClassifier | null = null;
  private fallbackDemand: DemandSet | null = null;
  /** The stored population spread on the graph, with the version it was read at. */
  private people: { version: string; demand: DemandSet } | null = null;

  constructor(
    readonly config: AppConfig,
    private readonly routing: GraphSource,
    private readonly registry: Pick<FleetRepository, 'stations'> | null = null,
    private readonly tasks: Pick<TaskRepository, 'tasksBetween'> | null = null,
    private readonly log: (message: string) => void = () => {},
    private readonly population: Pick<PopulationRepository, 'list' | 'version'> | null = null,
  ) {}

  get graph(): RoadGraph {
    return this.routing.graph;
  }

  /** Extract features (POIs, residential streets): read once, on first need. */
  private extract(): ExtractFeatures {
    if (!this.features) {
      const t0 = performance.now();
      this.features = readExtractFeatures(this.config.osmExtract);
      this.log(`extract features of ${this.config.osmExtract} read in ${(performance.now() - t0).toFixed(0)} ms`);
    }
    return this.features;
  }

  /** The request's area-class polygons, or the density fallback of the extract. */
  areas(custom: unknown): AreaClassifier {
    if (custom !== null && custom !== undefined) {
      try {
        return classifierFromPolygons(custom, 'rural', 'body.areas');
      } catch (e) {
        throw new BadInputError((e as Error).message);
      }
    }
    this.fallbackAreas ??= densityFallbackClassifier(this.extract(), this.graph.meta.bbox);
    return this.fallbackAreas;
  }

  /**
   * The request's demand, else the centre's stored population (people, as of the last refreshPopulation),
   * else the extract's residential roads.
   */
  demand(custom: DemandSet | null): DemandSet {
    if (custom) return custom;
    if (this.people) return this.people.demand;
    this.fallbackDemand ??= demandFromExtract(this.extract(), this.graph.meta.bbox);
    return this.fallbackDemand;
  }

  /** Re-reads the stored population when an import changed it (a cheap version query otherwise). */
  async refreshPopulation(): Promise<void> {
    if (!this.population) return;
    const v = await this.population.version();
    if (v.units === 0) {
      this.people = null;
      return;
    }
    if (this.people?.version === v.version) return;
    const t0 = performance.now();
    const demand = populationDemand(this.graph, populationFromRows(await this.population.list(), `population ${v.source ?? ''}`.trim()));
    this.people = { version: v.version, demand };
    this.log(`population demand: ${demand.source}, ${demand.points.length} points in ${(performance.now() - t0).toFixed(0)} ms` + (demand.areasWithoutRoad.length ? `; areas without a road: ${demand.areasWithoutRoad.join(', ')}` : ''));
  }

  /** Registered stations (stations table); the demo stations when the app runs without a database. */
  async stations(): Promise<StationInput[]> {
    const rows = this.registry ? await this.registry.stations() : DEMO_STATIONS;
    return rows.map((s) => ({ id: s.id, name: s.name, lat: s.lat, lon: s.lon }));
  }

  /** A station id, or "lat,lon" for an arbitrary point (a candidate site). */
  async siteOf(spec: StationParam): Promise<StationInput> {
    if (spec.kind === 'point') return { id: spec.text, name: spec.text, lat: spec.lat, lon: spec.lon };
    const s = (await this.stations()).find((x) => x.id === spec.id);
    if (!s) throw new NotFoundError(`station ${spec.id}: not registered (give a station id or lat,lon)`);
    return s;
  }

  /** Past incident locations from the tasks table (WGS-84 incident positions). */
  async incidents(period: { from: number; to: number }): Promise<DemandSet> {
    if (!this.tasks) throw new BadInputError('demand.incidents: this server has no tasks table');
    const rows = await this.tasks.tasksBetween(period.from, period.to, null);
    const label = `incidents of the tasks table, ${new Date(period.from).toISOString()} to ${new Date(period.to).toISOString()}`;
    if (rows.length === 0) throw new BadInputError(`demand.incidents: no tasks in ${label}`);
    try {
      return demandFromIncidents(rows.map((t) => ({ id: t.id, lat: t.incident.lat, lon: t.incident.lon })), label);
    } catch (e) {
      throw new BadInputError((e as Error).message);
    }
  }
}
