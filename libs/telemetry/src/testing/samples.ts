import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Test-only: the repository's shipped samples (data/), never /work/shared (a clone has no shared/). */
export const DATA_DIR = join(__dirname, '..', '..', '..', '..', 'data');

export function sampleBytes(relPath: string): Uint8Array {
  return readFileSync(join(DATA_DIR, relPath));
}

export function sampleText(relPath: string): string {
  return readFileSync(join(DATA_DIR, relPath), 'utf8');
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const json = (v: unknown): Uint8Array => utf8(JSON.stringify(v));
