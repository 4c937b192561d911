import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, screenshotReport } from '../../apps/cli/coverage-screenshot';
import { itNeeding, needChromium } from '../support/needs';

// The CLI end to end on the shipped Andorra extract: files written, numbers consistent between
// them, and the HTML map opening in headless Chromium with no error and no network request.
describe('npm run coverage on Andorra', () => {
  const out = mkdtempSync(join(tmpdir(), 'rc-coverage-'));
  beforeAll(() => {
    execFileSync(
      process.execPath,
      [require.resolve('tsx/cli'), 'apps/cli/coverage.ts', '--region', 'data/osm/andorra.osm.pbf', '--areas', 'docs/examples/andorra-1030/areas.geojson', '--rule', '1030', '--population', 'extract', '--k', '2', '--candidates', '60', '--out', out],
      { stdio: 'pipe', env: { ...process.env, DATA_DIR: join(out, 'data') } },
    );
  }, 120000);

  it('writes GeoJSON, CSV, summary and HTML that agree', () => {
    for (const f of ['demand.geojson', 'uncovered.geojson', 'stations.geojson', 'isochrones.geojson', 'areas.geojson', 'demand.csv', 'stations.csv', 'classes.csv', 'summary.json', 'report.html']) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { compliance: number; totalWeight: number; coveredWeight: number; attribution: string };
    const demand = JSON.parse(readFileSync(join(out, 'demand.geojson'), 'utf8')) as { features: Array<{ properties: { weight: number; covered: boolean } }> };
    const total = demand.features.reduce((s, f) => s + f.properties.weight, 0);
    const covered = demand.features.filter((f) => f.properties.covered).reduce((s, f) => s + f.properties.weight, 0);
    expect(total).toBeCloseTo(summary.totalWeight, 3);
    expect(covered / total).toBeCloseTo(summary.compliance, 9);
    const uncovered = JSON.parse(readFileSync(join(out, 'uncovered.geojson'), 'utf8')) as { features: unknown[] };
    expect(uncovered.features.length).toBe(demand.features.filter((f) => !f.properties.covered).length);
    expect(summary.attribution).toMatch(/OpenStreetMap contributors/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/© OpenStreetMap contributors/);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // self-contained
  });

  itNeeding(needChromium(CHROMIUM))(
    'the HTML map opens in Chromium without errors and credits OSM',
    async () => {
      const r = await screenshotReport(join(out, 'report.html'), join(out, 'report.png'));
      expect(r.errors).toEqual([]);
      expect(r.ready).toBe(true);
      expect(r.attribution).toMatch(/OpenStreetMap contributors/);
      expect(readFileSync(join(out, 'report.png')).length).toBeGreaterThan(20_000);
    },
    60000,
  );
});
