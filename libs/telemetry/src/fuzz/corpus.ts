import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UNIT_STATUSES } from '@rescue/contracts';
import { DATA_DIR, sampleBytes, sampleText } from '../testing/samples';
import { shenzhenTaxiFixes } from '../testing/shenzhen-trace';

/**
 * The real inputs the fuzzers start from (mutation seeds) and the mutation-free controls: the repository's
 * OwnTracks samples, the JT/T 808 vectors and native payloads built from the Shenzhen taxi trace. Read
 * once per process: the generators index into these arrays.
 */

export interface OwnTracksSample {
  file: string;
  bytes: Uint8Array;
  /** Parsed JSON, a mutation seed (schema-message.json is a JSON schema, kept: it is a real odd payload). */
  value: unknown;
}

export function owntracksSamples(): OwnTracksSample[] {
  const dir = join(DATA_DIR, 'protocol', 'owntracks');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const bytes = sampleBytes(`protocol/owntracks/${file}`);
      return { file, bytes, value: JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown };
    });
}

/** The hex frames of data/protocol/jt808-vectors.txt, as bytes, in file order. */
export function jt808Vectors(): Uint8Array[] {
  return sampleText('protocol/jt808-vectors.txt')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^7e[0-9a-f]+7e$/i.test(l))
    .map((h) => Uint8Array.from(Buffer.from(h, 'hex')));
}

/** Real taxi fixes (WGS-84 positions, real speeds) re-timed by the generators; a few hundred suffice. */
export function nativeFixSeeds(max = 200): Array<Record<string, unknown>> {
  return shenzhenTaxiFixes()
    .slice(0, max)
    .map((f) => ({ ...f }) as Record<string, unknown>);
}

export const STATUS_VALUES: readonly string[] = UNIT_STATUSES;
