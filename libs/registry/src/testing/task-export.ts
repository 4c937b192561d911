import { seededRandom } from '@rescue/common';
import { wgs84ToGcj02 } from '@rescue/telemetry';

/**
 * A generated month of a 120 centre's dispatch-system export (issue 13): realistic intervals (answer in
 * seconds, dispatch under a minute or two, departure in minutes), some void trips with their reason,
 * some unserved calls, and a few rows missing a timestamp, as real exports have. Incident locations are
 * GCJ-02 (as an AMap-based system records them). Deterministic for a seed.
 */
export interface ExportRow {
  任务编号: string;
  来电时间: string;
  接听时间: string;
  派车时间: string;
  收到指令时间: string;
  出车时间: string;
  到达现场时间: string;
  病人上车时间: string;
  到达医院时间: string;
  完成时间: string;
  任务结果: string;
  空车原因: string;
  车辆编号: string;
  调度员: string;
  呼救类型: string;
  送往医院: string;
  现场经度: string;
  现场纬度: string;
}

export const EXPORT_HEADERS: ReadonlyArray<keyof ExportRow> = [
  '任务编号', '来电时间', '接听时间', '派车时间', '收到指令时间', '出车时间', '到达现场时间', '病人上车时间', '到达医院时间', '完成时间',
  '任务结果', '空车原因', '车辆编号', '调度员', '呼救类型', '送往医院', '现场经度', '现场纬度',
];

export interface ExportSpec {
  /** First day of the month, e.g. '2026-11' (Beijing time). */
  month: string;
  tasks: number;
  /** Registered units and their stations. */
  units: ReadonlyArray<{ id: string; stationId: string }>;
  seed?: number;
  /** WGS-84 centre of the area incidents fall in. */
  centre?: { lat: number; lon: number };
}

const VOID_OUTCOMES = ['病人不去', '车到人走', '死亡不送', '中止'] as const;
const CALL_TYPES = ['胸痛', '卒中', '创伤', '呼吸困难', '腹痛', '昏迷', '孕产', '其他'];
const DISPATCHERS = ['D01', 'D02', 'D03', 'D04', 'D05', 'D06'];

/** Beijing wall-clock text of an epoch ms, as the exports write it. */
export function beijing(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export function* generateExport(spec: ExportSpec): Generator<ExportRow> {
  const rnd = seededRandom(spec.seed ?? 13);
  const [y, m] = spec.month.split('-').map(Number);
  const start = Date.UTC(y!, m! - 1, 1) - 8 * 3_600_000;
  const end = Date.UTC(y!, m!, 1) - 8 * 3_600_000;
  const centre = spec.centre ?? { lat: 34.7478, lon: 113.6193 };
  const between = (a: number, b: number) => Math.round((a + rnd() * (b - a)) * 1000);
  for (let i = 0; i < spec.tasks; i++) {
    // Seconds resolution, as the exports have it.
    const ring = Math.floor((start + rnd() * (end - start - 6 * 3_600_000)) / 1000) * 1000;
    const answer = ring + (rnd() < 0.96 ? between(2, 10) : between(11, 40));
    const sent = answer + (rnd() < 0.85 ? between(20, 60) : between(61, 180));
    const received = sent + between(0, 8);
    const departed = received + (rnd() < 0.93 ? between(30, 170) : between(181, 400));
    const onScene = departed + between(180, 1500);
    const unserved = rnd() < 0.01;
    const voidTrip = !unserved && rnd() < 0.18;
    const outcome = unserved ? '' : voidTrip ? VOID_OUTCOMES[Math.floor(rnd() * VOID_OUTCOMES.length)]! : '完成';
    const aborted = outcome === '中止';
    const loaded = voidTrip ? null : onScene + between(300, 1200);
    const atHospital = loaded === null ? null : loaded + between(300, 1500);
    const ended = unserved ? null : aborted ? departed + between(60, 600) : (atHospital ?? onScene + between(120, 600)) + between(300, 900);
    const unit = spec.units[Math.floor(rnd() * spec.units.length)]!;
    const w = { lat: centre.lat + (rnd() - 0.5) * 0.3, lon: centre.lon + (rnd() - 0.5) * 0.3 };
    const g = wgs84ToGcj02(w);
    const t = (ms: number | null, missingShare = 0) => (ms === null || rnd() < missingShare ? '' : beijing(ms));
    yield {
      任务编号: `2026${String(i + 1).padStart(7, '0')}`,
      来电时间: t(ring),
      接听时间: t(answer, 0.02),
      派车时间: t(unserved ? null : sent),
      收到指令时间: t(unserved ? null : received),
      出车时间: t(unserved ? null : departed, 0.02),
      到达现场时间: t(unserved || aborted ? null : onScene, 0.03),
      病人上车时间: t(loaded),
      到达医院时间: t(atHospital),
      完成时间: t(ended),
      任务结果: outcome,
      空车原因: voidTrip ? (outcome === '中止' ? '家属取消' : '') : '',
      车辆编号: unserved ? '' : unit.id,
      调度员: DISPATCHERS[Math.floor(rnd() * DISPATCHERS.length)]!,
      呼救类型: CALL_TYPES[Math.floor(rnd() * CALL_TYPES.length)]!,
      送往医院: atHospital === null ? '' : `H${1 + Math.floor(rnd() * 5)}`,
      现场经度: g.lon.toFixed(6),
      现场纬度: g.lat.toFixed(6),
    };
  }
}

const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The export as CSV lines (header first), one at a time: a bench writes 100,000 rows without holding them. */
export function* exportCsvLines(rows: Iterable<ExportRow>): Generator<string> {
  yield EXPORT_HEADERS.join(',') + '\n';
  for (const r of rows) yield EXPORT_HEADERS.map((h) => cell(r[h])).join(',') + '\n';
}
