import MiniSearch, { type SearchResult } from 'minisearch';
import { haversineM } from '@rescue/common';
import type { GeoFeature } from './extract';
import { type FeatureKind, KIND_WEIGHT } from './kinds';
import { compact, isCjk, queryTerms, terms } from './tokenize';

/** How a hit's name matched the query: the whole name, its start, inside it, or only in part / with typos. */
export type MatchKind = 'exact' | 'prefix' | 'contains' | 'fuzzy';

/** Ranking factors on top of the text score (BM25 from MiniSearch). */
// contains is close behind prefix: Chinese names often lead with the city (淮南市第一人民医院 for 第一人民医院).
export const MATCH_BOOST: Readonly<Record<MatchKind, number>> = { exact: 4, prefix: 2.5, contains: 2, fuzzy: 1 };
/**
 * `near` multiplies a hit's score by 1 + NEAR_GAIN / (1 + d / NEAR_SCALE_M): 5× at the point, 3× at
 * 5 km, 1.4× at 50 km. A centre's calls come from its own area: the hospital of that name nearby
 * before the one of the same name in the next city.
 */
export const NEAR_SCALE_M = 5000;
const NEAR_GAIN = 4;
/** Hits scoring below this share of the best one are noise (a single shared character). */
const MIN_SHARE = 0.1;
/** A fuzzy hit must hold this share of the query's CJK characters (2 of 2, 2 of 3, 3 of 4). */
const MIN_CJK_COVER = 0.6;
/** Candidates judged on how their name matched, best text scores first. */
const MAX_CANDIDATES = 400;
/** Same name within this distance: one place drawn twice (a hospital's node and its building). */
const SAME_PLACE_M = 250;

export interface SearchOptions {
  near?: { lat: number; lon: number };
  limit?: number;
  kinds?: readonly FeatureKind[];
}

export interface PlaceHit {
  feature: GeoFeature;
  score: number;
  match: MatchKind;
  /** From `near`, when given. */
  distanceM?: number;
}

interface Doc {
  id: number;
  bi: string;
  uni: string;
  word: string;
  addr: string;
  area: string;
}

export function proximityBoost(distanceM: number): number {
  return 1 + NEAR_GAIN / (1 + distanceM / NEAR_SCALE_M);
}

/**
 * The search index over an extract's places: MiniSearch (BM25 over a radix tree, with prefix and
 * fuzzy term expansion) on names split by tokenize.ts into CJK pairs, CJK characters and words, each
 * its own field so a matching pair counts more than a matching character. MiniSearch's score is then
 * weighted by the feature's kind and the distance to `near` (inside the search, so every candidate
 * is judged), and by how the name matched (exact > prefix > contains > fuzzy) on the candidates.
 */
export class PlaceIndex {
  private readonly ms: MiniSearch<Doc>;
  /** Per feature: its names compacted, for the exact/prefix test. */
  private readonly compactNames: string[][];
  /** Per feature: its context compacted (淮南市田家庵区), counted with the name for typed characters. */
  private readonly compactContext: string[];

  private constructor(readonly features: readonly GeoFeature[], async: boolean) {
    this.ms = new MiniSearch<Doc>({
      fields: ['bi', 'uni', 'word', 'addr', 'area'],
      // Documents hold their terms already split (tokenize.ts once per feature, not once per field).
      tokenize: (text) => (text === '' ? [] : text.split(' ')),
      processTerm: (term) => term,
      searchOptions: {
        tokenize: queryTerms,
        processTerm: (term) => term,
        boost: { bi: 2, uni: 0.5, word: 1.5, addr: 0.6, area: 0.4 },
        combineWith: 'OR',
        // Latin words: the last one may be half typed, longer ones may hold a typo. CJK terms are
        // already every part of the name: expanding them would only add noise.
        prefix: (term, i, all) => !isCjk(term) && (i === all.length - 1 || term.length >= 3),
        fuzzy: (term) => (isCjk(term) || /^\d+$/.test(term) ? false : term.length >= 8 ? 2 : term.length >= 4 ? 1 : false),
        maxFuzzy: 2,
        // Weak length normalisation (Lucene's b is 0.75): a longer name is not a worse match, the
        // match kind below already prefers the name that is exactly what was typed.
        bm25: { k: 1.2, b: 0.3, d: 0.5 },
      },
    });
    this.compactNames = features.map((f) => [...f.names, ...(f.address ? [f.address] : [])].map(compact));
    this.compactContext = features.map((f) => (f.context ? compact(f.context) : ''));
    if (!async) this.ms.addAll(this.docs());
  }

  private docs(): Doc[] {
    return this.features.map((f, id) => {
      const t = terms(f.names.join(' | '));
      const a = f.address ? queryTerms(f.address) : [];
      // Context by pairs and words only: its single characters (市, 区, 镇) are in thousands of contexts
      // and would make every Chinese query touch every document.
      const ct = f.context ? terms(f.context) : null;
      const c = ct ? [...ct.bi, ...ct.word] : [];
      return { id, bi: t.bi.join(' '), uni: t.uni.join(' '), word: t.word.join(' '), addr: a.join(' '), area: c.join(' ') };
    });
  }

  static build(features: readonly GeoFeature[]): PlaceIndex {
    return new PlaceIndex(features, false);
  }

  /** The same index, added in chunks with the event loop running between them. */
  static async buildAsync(features: readonly GeoFeature[]): Promise<PlaceIndex> {
    const idx = new PlaceIndex(features, true);
    await idx.ms.addAllAsync(idx.docs(), { chunkSize: 500 });
    return idx;
  }

  get size(): number {
    return this.features.length;
  }

  search(query: string, opts: SearchOptions = {}): PlaceHit[] {
    const q = compact(query);
    if (q === '') return [];
    const limit = opts.limit ?? 10;
    const near = opts.near;
    const cosLat = near ? Math.cos((near.lat * Math.PI) / 180) : 1;
    const kinds = opts.kinds && opts.kinds.length > 0 ? new Set(opts.kinds) : null;
    // A flat-earth distance inside the search (called per matching term and document), exact haversine on the hits.
    const roughM = (f: GeoFeature): number => 111_195 * Math.hypot(f.lat - near!.lat, (f.lon - near!.lon) * cosLat);
    const results: SearchResult[] = this.ms.search(query, {
      boostDocument: (id: number) => {
        const f = this.features[id]!;
        return KIND_WEIGHT[f.kind] * (near ? proximityBoost(roughM(f)) : 1);
      },
      ...(kinds ? { filter: (r: SearchResult) => kinds.has(this.features[r.id as number]!.kind) } : {}),
    });
    if (results.length === 0) return [];
    const qChars = [...new Set(terms(query).uni)];
    const hits: PlaceHit[] = [];
    // MiniSearch sorts by its score; the match factor (≤ 4×) cannot lift a hit from beyond the first few hundred.
    for (const r of results.length > MAX_CANDIDATES ? results.slice(0, MAX_CANDIDATES) : results) {
      const id = r.id as number;
      const match = this.matchOf(id, q);
      // A Chinese name typed with a wrong character: favour names holding more of the typed
      // characters, and drop those holding too few (书院 is no answer to 医院).
      const cover = match === 'fuzzy' && qChars.length > 1 ? this.coverage(id, qChars) : 1;
      if (cover < MIN_CJK_COVER) continue;
      hits.push({ feature: this.features[id]!, score: r.score * MATCH_BOOST[match] * cover ** 2, match });
    }
    if (hits.length === 0) return [];
    hits.sort((a, b) => b.score - a.score);
    const floor = hits[0]!.score * MIN_SHARE;
    const out: PlaceHit[] = [];
    for (const h of hits) {
      if (h.score < floor || out.length >= limit) break;
      const f = h.feature;
      if (out.some((o) => this.sameName(o.feature, f) && haversineM(o.feature.lat, o.feature.lon, f.lat, f.lon) < SAME_PLACE_M)) continue;
      if (near) h.distanceM = Math.round(haversineM(near.lat, near.lon, f.lat, f.lon));
      out.push(h);
    }
    return out;
  }

  /** Share of the query's CJK characters found in the best of a feature's names. */
  private coverage(id: number, chars: string[]): number {
    let best = 0;
    const ctx = this.compactContext[id]!;
    for (const n of this.compactNames[id]!) best = Math.max(best, chars.filter((c) => n.includes(c) || ctx.includes(c)).length);
    return best / chars.length;
  }

  /** One place drawn twice shares a name (the city node 淮南市 and the boundary 淮南市 / Huainan with name:zh 淮南市). */
  private sameName(a: GeoFeature, b: GeoFeature): boolean {
    return a.name === b.name || a.names.some((n) => b.names.includes(n));
  }

  private matchOf(id: number, q: string): MatchKind {
    const names = this.compactNames[id]!;
    if (names.includes(q)) return 'exact';
    if (names.some((n) => n.startsWith(q))) return 'prefix';
    if (names.some((n) => n.includes(q))) return 'contains';
    return 'fuzzy';
  }
}
