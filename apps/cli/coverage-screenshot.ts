// npm run coverage:screenshot -- [report.html] [out.png]
// Opens a coverage report in headless Chromium (offline: every network request is refused), fails
// on any page error, console error or request, and saves a screenshot. Skips, with a message,
// where /usr/bin/chromium is absent (CI without a browser).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export interface ScreenshotResult {
  errors: string[];
  /** Layers Leaflet drew (SVG paths + canvas), a sanity check that the map is not blank. */
  ready: boolean;
  attribution: string;
}

export async function screenshotReport(htmlPath: string, pngPath: string): Promise<ScreenshotResult> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
    });
    // Self-contained means no request leaves the file: refuse and record any.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      errors.push(`network request: ${url}`);
      return route.abort();
    });
    await page.goto(pathToFileURL(resolve(htmlPath)).href);
    const ready = await page
      .waitForSelector('body[data-ready="yes"]', { timeout: 15000 })
      .then(() => true)
      .catch(() => false);
    const attribution = (await page.locator('.leaflet-control-attribution').textContent().catch(() => '')) ?? '';
    await page.screenshot({ path: pngPath, fullPage: false });
    return { errors, ready, attribution };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const html = process.argv[2] ?? 'docs/examples/andorra-1030/report.html';
  const png = process.argv[3] ?? html.replace(/\.html$/, '.png');
  if (!existsSync(CHROMIUM)) {
    process.stdout.write(`SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)\n`);
    return;
  }
  const r = await screenshotReport(html, png);
  process.stdout.write(`screenshot ${png}; map ready: ${r.ready}; attribution: ${r.attribution.trim()}\n`);
  if (r.errors.length > 0 || !r.ready) {
    process.stderr.write(`report has problems:\n${r.errors.join('\n') || 'map never became ready'}\n`);
    process.exit(1);
  }
}

if (require.main === module) void main();
