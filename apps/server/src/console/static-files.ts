import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** Relative paths we serve: plain names in a few sub-directories, a known extension, no dot segments. */
const SAFE_PATH = /^(?:[A-Za-z0-9_-]+\/){0,3}[A-Za-z0-9_-]+(?:[.-][A-Za-z0-9_]+)*\.(?:html|m?js|css|json|png|svg|ico)$/;

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/**
 * Files under one root directory, by a relative path that passes `SAFE_PATH` and resolves inside the
 * root (no `..`, no absolute paths, no encoded tricks: the regex admits none of `.` `%` `\` alone).
 * Read on each request (small files, one operator console), so edits to web/ show on reload.
 */
export class StaticRoot {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get(relPath: string): StaticFile | null {
    if (!SAFE_PATH.test(relPath)) return null;
    const full = resolve(join(this.root, relPath));
    if (!full.startsWith(this.root + sep)) return null;
    const type = CONTENT_TYPES[extname(full)];
    if (!type) return null;
    try {
      if (!statSync(full).isFile()) return null;
      return { body: readFileSync(full), contentType: type };
    } catch {
      return null;
    }
  }
}

/**
 * The repository root at run time: the server runs from the repo (npm start, tests) or its image;
 * the compiled file sits at dist/apps/server/apps/server/src/console/, the source at apps/server/src/console/.
 * First ancestor of `from` (then of the working directory) that holds web/index.html.
 */
export function findWebRoot(from: string, cwd: string = process.cwd()): string | null {
  for (const start of [from, cwd]) {
    let dir = resolve(start);
    for (;;) {
      if (existsSync(join(dir, 'web', 'index.html'))) return join(dir, 'web');
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return null;
}

/** node_modules/leaflet/dist, resolved like any dependency (never a CDN). */
export function leafletDist(): string | null {
  try {
    return dirname(require.resolve('leaflet/dist/leaflet.js'));
  } catch {
    return null;
  }
}
