import ExcelJS from 'exceljs';
import { type QcReport, VOID_LABELS_ZH } from './qc-report';

const r2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
const yes = (b: boolean | null) => (b === null ? '—' : b ? '达标' : '未达标');

/** The report as an XLSX workbook: one sheet per part, Chinese headers (English in the second header row of the first sheet). */
export async function qcReportXlsx(r: QcReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'rescue-circle';
  const add = (name: string, headers: string[], rows: Array<Array<string | number | null>>) => {
    const ws = wb.addWorksheet(name);
    ws.addRow(headers).font = { bold: true };
    for (const row of rows) ws.addRow(row);
    ws.columns.forEach((c) => (c.width = 16));
    return ws;
  };
  add('指标汇总', ['指标', 'Indicator', '数值', '单位', '目标', '是否达标', '样本数', '缺失时间任务数', '依据'],
    r.lines.map((l) => [l.zh, l.en, r2(l.value), l.unit, l.target, yes(l.met), l.n, l.missing, l.source]));
  add('空车原因', ['原因', '任务数'], Object.entries(r.voidByReason).map(([k, v]) => [VOID_LABELS_ZH[k] ?? k, v]));
  add('每日趋势', ['日期', '任务数', '3分钟出车率(%)', '平均反应时间(分钟)', '10秒接听率(%)'],
    r.trend.map((t) => [t.day, t.tasks, r2(t.departure3minRate === null ? null : t.departure3minRate * 100), r2(t.responseMeanS === null ? null : t.responseMeanS / 60), r2(t.answer10sRate === null ? null : t.answer10sRate * 100)]));
  add('站点排名', ['排名', '站点编号', '站点名称', '任务数', '3分钟出车率(%)', '平均反应时间(分钟)', '1分钟调度率(%)', '空车率(%)'],
    r.ranking.map((s) => [s.rank, s.stationId, r.stationNames[s.stationId] ?? '', s.tasks, r2(s.departure3minRate === null ? null : s.departure3minRate * 100), r2(s.responseMeanS === null ? null : s.responseMeanS / 60), r2(s.dispatch1minRate === null ? null : s.dispatch1minRate * 100), r2(s.voidRate === null ? null : s.voidRate * 100)]));
  const f = r.fleet;
  add('车辆配置', ['项目', '数值', '要求', '是否达标'], [
    ['人口', f.population, f.jurisdiction === 'county' ? '县域按人口×3计' : '地市', '—'],
    ['救护车数', f.ambulances, f.required === null ? '未提供人口' : `≥ ${f.required} (每3万人1辆)`, yes(f.ratioMet)],
    ['负压救护车数', f.negativePressure, '≥ 40%', yes(f.negativePressureMet)],
    ['负压车占比(%)', r2(f.negativePressureShare === null ? null : f.negativePressureShare * 100), '≥ 40%', yes(f.negativePressureMet)],
  ]);
  add('覆盖情况', ['规则', '覆盖率(%)', '来源'], r.coverage ? [[r.coverage.rule, r2(r.coverage.compliance * 100), r.coverage.source]] : [['未提供 (npm run coverage 的 summary.json: --coverage)', null, '']]);
  add('缺失时间任务', ['指标', '任务编号'], r.missing.flatMap((m) => m.taskIds.map((id) => [m.indicator, id])));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
