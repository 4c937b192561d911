import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findWebRoot, leafletDist, StaticRoot } from './static-files';

describe('console static files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rc-static-'));
  const web = join(dir, 'web');
  mkdirSync(join(web, 'js'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html>');
  writeFileSync(join(web, 'js', 'main.js'), 'export {}');
  writeFileSync(join(web, 'notes.txt'), 'not served');
  writeFileSync(join(dir, 'secret.json'), '{"secret":true}');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const root = new StaticRoot(web);

  it('serves files under the root with their content type', () => {
    expect(root.get('index.html')).toMatchObject({ contentType: 'text/html; charset=utf-8' });
    expect(root.get('js/main.js')?.body.toString()).toBe('export {}');
    expect(root.get('js/main.js')?.contentType).toBe('text/javascript; charset=utf-8');
  });

  it('refuses traversal, absolute paths, encoded and unknown names', () => {
    for (const p of ['../secret.json', 'js/../../secret.json', '/etc/passwd', '%2e%2e/secret.json', '..%2fsecret.json', 'js\\..\\..\\secret.json', '.hidden.js', 'js/', '', 'notes.txt', 'missing.js', 'js']) {
      expect(root.get(p)).toBeNull();
    }
  });

  it('finds web/ above the compiled file and Leaflet in node_modules', () => {
    expect(findWebRoot(join(dir, 'dist', 'apps', 'server'), '/nonexistent')).toBe(web);
    expect(findWebRoot(__dirname)).toMatch(/web$/);
    expect(leafletDist()).toMatch(/leaflet[\\/]dist$/);
  });
});
