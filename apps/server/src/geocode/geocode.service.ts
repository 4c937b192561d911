import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '@rescue/config';
import { Geocoder, type GeocoderStats } from '@rescue/geocode';
import { APP_CONFIG } from '../config.module';

/** After start-up, the index is built in the background this much later (unless a search asked first). */
const WARM_UP_DELAY_MS = 3000;

/**
 * The place index of the loaded extract (the one OSM_EXTRACT names, as the road graph). Built from
 * the file on first use or shortly after start-up, whichever comes first, with the event loop running
 * between its passes and index chunks (~1 s of work for the Anhui tile on a quiet host, well under for
 * the Andorra demo), so neither start-up nor ingest waits for it; a search during the build waits.
 */
@Injectable()
export class GeocodeService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(GeocodeService.name);
  private g: Geocoder | null = null;
  private building: Promise<Geocoder> | null = null;
  private warmUp: NodeJS.Timeout | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    this.warmUp = setTimeout(() => {
      this.warmUp = null;
      // A failure is logged; the next search tries again and answers with the error.
      this.geocoder().catch((e: Error) => this.log.error(`place index of ${this.config.osmExtract} not built: ${e.message}`));
    }, WARM_UP_DELAY_MS);
    this.warmUp.unref();
  }

  onModuleDestroy(): void {
    if (this.warmUp) clearTimeout(this.warmUp);
  }

  get ready(): boolean {
    return this.g !== null;
  }

  /** The index, once built (the first call starts the build). */
  geocoder(): Promise<Geocoder> {
    if (this.g) return Promise.resolve(this.g);
    this.building ??= this.build().then(
      (g) => (this.g = g),
      (e: unknown) => {
        this.building = null;
        throw e;
      },
    );
    return this.building;
  }

  private async build(): Promise<Geocoder> {
    const path = this.config.osmExtract;
    this.log.log(`building the place index of ${path}…`);
    const g = await Geocoder.fromExtractAsync(path, (phase, done, total) => {
      if (done === total) this.log.log(`place index: read ${phase} (${(total / 1e6).toFixed(1)} MB)`);
    });
    const s = g.stats;
    this.log.log(`place index of ${path}: ${s.features} places (${Object.entries(s.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}), ${s.roadSegments} named road segments, built in ${s.buildMs.toFixed(0)} ms`);
    return g;
  }

  stats(): (GeocoderStats & { ready: true; extract: string }) | { ready: false; extract: string } {
    return this.g ? { ready: true, extract: this.config.osmExtract, ...this.g.stats, buildMs: Math.round(this.g.stats.buildMs) } : { ready: false, extract: this.config.osmExtract };
  }
}
