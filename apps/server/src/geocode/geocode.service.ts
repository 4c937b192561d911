import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '@rescue/config';
import { Geocoder, type GeocoderStats } from '@rescue/geocode';
import { APP_CONFIG } from '../config.module';

/** After start-up, the index is built in the background this much later (unless a search asked first). */
const WARM_UP_DELAY_MS = 3000;

/**
 * The place index of the loaded extract (the one OSM_EXTRACT names, as the road graph). Built from
 * the file on first use or shortly after start-up, whichever comes first: ~0.3 s for the Andorra
 * demo, a few seconds for the Anhui tile, so start-up does not wait for it.
 */
@Injectable()
export class GeocodeService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(GeocodeService.name);
  private g: Geocoder | null = null;
  private warmUp: NodeJS.Timeout | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    this.warmUp = setTimeout(() => {
      this.warmUp = null;
      try {
        this.geocoder();
      } catch (e) {
        // A search will try again and answer with the error.
        this.log.error(`place index of ${this.config.osmExtract} not built: ${(e as Error).message}`);
      }
    }, WARM_UP_DELAY_MS);
    this.warmUp.unref();
  }

  onModuleDestroy(): void {
    if (this.warmUp) clearTimeout(this.warmUp);
  }

  get ready(): boolean {
    return this.g !== null;
  }

  /** The index, built now if not yet. */
  geocoder(): Geocoder {
    if (this.g) return this.g;
    const path = this.config.osmExtract;
    this.log.log(`building the place index of ${path}…`);
    let lastPhase = '';
    const g = Geocoder.fromExtract(path, (phase, done, total) => {
      if (done === total && phase !== lastPhase) {
        lastPhase = phase;
        this.log.log(`place index: read ${phase} (${(total / 1e6).toFixed(1)} MB)`);
      }
    });
    const s = g.stats;
    this.log.log(`place index of ${path}: ${s.features} places (${Object.entries(s.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}), ${s.roadSegments} named road segments, built in ${s.buildMs.toFixed(0)} ms`);
    this.g = g;
    return g;
  }

  stats(): (GeocoderStats & { ready: true; extract: string }) | { ready: false; extract: string } {
    return this.g ? { ready: true, extract: this.config.osmExtract, ...this.g.stats, buildMs: Math.round(this.g.stats.buildMs) } : { ready: false, extract: this.config.osmExtract };
  }
}
