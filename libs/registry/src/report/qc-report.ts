import { computeIndicators, type Indicators, indicatorsBy, rankStations, type StationRank, type TaskTimes, VOID_OUTCOMES } from '@rescue/dispatch';

/**
 * The monthly quality-control report a centre hands its health commission (卫健委) and provincial QC
 * centre (issue 13 item 4): indicators against their targets (docs/indicators.md, domain.md §2, §4),
 * the daily trend, the station ranking, the coverage summary and the fleet ratio. A plain model here;
 * report-xlsx.ts and report-html.ts render it, Chinese first.
 */
export interface IndicatorLine {
  key: string;
  zh: string;
  en: string;
  value: number | null;
  unit: '%' | 's' | 'min' | '';
  target: string;
  /** null: no target to compare with, or no value. */
  met: boolean | null;
  n: number;
  missing: number;
  source: string;
}

export interface FleetRatio {
  population: number | null;
  jurisdiction: 'city' | 'county';
  ambulances: number;
  negativePressure: number;
  /** 1 per 30,000 people (counties count population × 3): domain.md §2. */
  required: number | null;
  ratioMet: boolean | null;
  negativePressureShare: number | null;
  negativePressureMet: boolean | null;
}

export interface CoverageSummary {
  rule: string;
  compliance: number;
  source: string;
}

export interface QcReport {
  month: string;
  generatedAt: string;
  tasks: number;
  lines: IndicatorLine[];
  voidByReason: Record<string, number>;
  trend: Array<{ day: string; tasks: number; departure3minRate: number | null; responseMeanS: number | null; answer10sRate: number | null }>;
  ranking: StationRank[];
  stationNames: Record<string, string>;
  fleet: FleetRatio;
  coverage: CoverageSummary | null;
  /** Tasks lacking a time, per indicator, listed (domain.md §4: never silently dropped). */
  missing: Array<{ indicator: string; taskIds: string[] }>;
}

export const VOID_LABELS_ZH: Record<string, string> = { refused: '病人不去', gone_on_arrival: '车到人走', dead_not_transported: '死亡不送', aborted: '中止/取消' };

const pct = (x: number | null) => (x === null ? null : x * 100);

function lines(i: Indicators): IndicatorLine[] {
  const l = (key: string, zh: string, en: string, value: number | null, unit: IndicatorLine['unit'], target: string, met: boolean | null, n: number, missing: number, source: string): IndicatorLine =>
    ({ key, zh, en, value, unit, target, met: value === null ? null : met, n, missing, source });
  return [
    l('answer10s', '10秒接听率', '10-s answer rate', pct(i.answer10s.rate), '%', '≥ 95%', i.answer10s.rate !== null && i.answer10s.rate >= 0.95, i.answer10s.n, i.answer10s.missing.length, 'domain.md §2, §4 (国卫医发〔2020〕19号)'),
    l('dispatchTime', '平均调度时间', 'mean dispatch time', i.dispatchTime.meanS, 's', '≤ 60 s (平顶山 43 s)', i.dispatchTime.meanS !== null && i.dispatchTime.meanS <= 60, i.dispatchTime.n, i.dispatchTime.missing.length, 'domain.md §1, §4'),
    l('dispatch1min', '1分钟调度率', '1-minute dispatch rate', pct(i.dispatch1min.rate), '%', '—', null, i.dispatch1min.n, i.dispatch1min.missing.length, 'domain.md §1, §4'),
    l('departureTime', '平均出车时间', 'mean departure time', i.departureTime.meanS === null ? null : i.departureTime.meanS / 60, 'min', '参考 1.51 min (平顶山)', null, i.departureTime.n, i.departureTime.missing.length, 'domain.md §4'),
    l('departure3min', '3分钟出车率', '3-minute departure rate', pct(i.departure3min.rate), '%', '≥ 95%', i.departure3min.rate !== null && i.departure3min.rate >= 0.95, i.departure3min.n, i.departure3min.missing.length, 'domain.md §2, §4'),
    l('responseTime', '平均反应时间', 'mean response time', i.responseTime.meanS === null ? null : i.responseTime.meanS / 60, 'min', '参考 11.30 min (平顶山)', null, i.responseTime.n, i.responseTime.missing.length, 'domain.md §4'),
    l('voidRate', '空车率', 'void-trip rate', pct(i.voidTrips.rate), '%', '越低越好', null, i.voidTrips.dispatches, i.voidTrips.open.length, 'domain.md §4'),
    l('demandSatisfaction', '需求满足率', 'demand satisfaction', pct(i.demandSatisfaction.rate), '%', '100%', i.demandSatisfaction.rate === 1, i.demandSatisfaction.requests, 0, 'domain.md §4'),
  ];
}

export interface ReportInput {
  month: string;
  tasks: TaskTimes[];
  stationNames: Record<string, string>;
  units: Array<{ capabilities: string[] }>;
  population: number | null;
  jurisdiction?: 'city' | 'county';
  coverage?: CoverageSummary | null;
  now?: Date;
}

export function buildQcReport(input: ReportInput): QcReport {
  const i = computeIndicators(input.tasks);
  const byDay = indicatorsBy(input.tasks, 'day');
  const jurisdiction = input.jurisdiction ?? 'city';
  const ambulances = input.units.length;
  const negativePressure = input.units.filter((u) => u.capabilities.includes('negative-pressure')).length;
  const required = input.population === null ? null : Math.ceil((input.population * (jurisdiction === 'county' ? 3 : 1)) / 30_000);
  const share = ambulances === 0 ? null : negativePressure / ambulances;
  return {
    month: input.month,
    generatedAt: (input.now ?? new Date()).toISOString(),
    tasks: i.tasks,
    lines: lines(i),
    voidByReason: Object.fromEntries(VOID_OUTCOMES.map((r) => [r, i.voidTrips.byReason[r] ?? 0])),
    trend: Object.entries(byDay).map(([day, d]) => ({ day, tasks: d.tasks, departure3minRate: d.departure3min.rate, responseMeanS: d.responseTime.meanS, answer10sRate: d.answer10s.rate })),
    ranking: rankStations(indicatorsBy(input.tasks, 'station')),
    stationNames: input.stationNames,
    fleet: {
      population: input.population, jurisdiction, ambulances, negativePressure, required, ratioMet: required === null ? null : ambulances >= required,
      negativePressureShare: share, negativePressureMet: share === null ? null : share >= 0.4,
    },
    coverage: input.coverage ?? null,
    missing: [
      { indicator: '10秒接听率 (来电/接听时间)', taskIds: i.answer10s.missing },
      { indicator: '调度时间 (接听/派车时间)', taskIds: i.dispatchTime.missing },
      { indicator: '出车时间 (收到指令/出车时间)', taskIds: i.departureTime.missing },
      { indicator: '反应时间 (接听/到达现场时间)', taskIds: i.responseTime.missing },
      { indicator: '空车率 (任务未结束)', taskIds: i.voidTrips.open },
    ],
  };
}

/** [from, to) of a month 'YYYY-MM' in Beijing time, as epoch ms. */
export function monthRange(month: string): { from: number; to: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new Error(`month: expected YYYY-MM, got ${JSON.stringify(month)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return { from: Date.UTC(y, mo - 1, 1) - 8 * 3_600_000, to: Date.UTC(y, mo, 1) - 8 * 3_600_000 };
}
