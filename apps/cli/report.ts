// npm run report -- --month 2026-11 --out DIR [--population N] [--county] [--coverage summary.json] [--no-pdf]
// The monthly QC report in Chinese (issue 13): DIR/qc-2026-11.xlsx, DIR/qc-2026-11.html and, where Chromium is
// installed (CHROMIUM_PATH, default /usr/bin/chromium), DIR/qc-2026-11.pdf. With DATABASE_URL from that
// database; without, from the running embedded server (GET /reports/qc, RC_API_URL, RC_API_KEY).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { loadConfig } from '@rescue/config';
import { adminApi, CliError, refusalText, runCli } from './admin-api';
import { closeDatabase, openDatabase, qcReportFromDatabase } from '@rescue/persistence';
import { type CoverageSummary, monthRange, type QcReport, qcReportHtml, qcReportXlsx } from '@rescue/registry';

const out = (s: string): boolean => process.stdout.write(s + '\n');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Prints the HTML to an A4 PDF in headless Chromium (offline). */
export async function htmlToPdf(htmlPath: string, pdfPath: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(resolve(htmlPath)).href);
    await page.pdf({ path: pdfPath, format: 'A4', printBackground: true });
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const month = flag(args, '--month');
  const dir = flag(args, '--out');
  if (!month || !dir) {
    process.stderr.write('usage: npm run report -- --month YYYY-MM --out DIR [--population N] [--county] [--coverage summary.json] [--no-pdf]\n');
    process.exit(2);
  }
  try {
    monthRange(month);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const popRaw = flag(args, '--population');
  const population = popRaw === undefined ? null : Number(popRaw);
  if (population !== null && !(Number.isFinite(population) && population > 0)) throw new CliError(`--population ${popRaw}: expected a positive number`);
  let coverage: CoverageSummary | null = null;
  const covFile = flag(args, '--coverage');
  if (covFile) {
    const s = JSON.parse(readFileSync(covFile, 'utf8')) as { compliance?: unknown; rule?: unknown };
    if (typeof s.compliance !== 'number') throw new CliError(`--coverage ${covFile}: no "compliance" number (expected npm run coverage's summary.json)`);
    coverage = { rule: typeof s.rule === 'string' ? s.rule : JSON.stringify(s.rule ?? ''), compliance: s.compliance, source: covFile };
  }
  const jurisdiction = args.includes('--county') ? 'county' : 'city';
  const cfg = loadConfig();
  let report: QcReport;
  if (cfg.databaseUrl) {
    const { dataSource } = await openDatabase({ databaseUrl: cfg.databaseUrl, pgliteDir: '' });
    try {
      report = await qcReportFromDatabase(dataSource, month, { population, jurisdiction, coverage });
    } finally {
      await closeDatabase(dataSource);
    }
  } else {
    const q = new URLSearchParams({ month, format: 'json', jurisdiction, ...(population !== null ? { population: String(population) } : {}) });
    const res = await adminApi(cfg).call('GET', `/reports/qc?${q}`);
    if (res.status !== 200) throw new CliError(`the server refused (HTTP ${res.status}): ${refusalText(res)}`);
    report = { ...(res.body as QcReport), coverage };
  }
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `qc-${month}`);
  writeFileSync(`${base}.xlsx`, await qcReportXlsx(report));
  writeFileSync(`${base}.html`, qcReportHtml(report));
  out(`${base}.xlsx  ${base}.html  (${report.tasks} 个任务 tasks)`);
  if (args.includes('--no-pdf')) return;
  if (!existsSync(CHROMIUM)) {
    out(`PDF skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); print the HTML instead`);
    return;
  }
  await htmlToPdf(`${base}.html`, `${base}.pdf`);
  out(`${base}.pdf`);
}

if (require.main === module) runCli(main);
