import { type QcReport, VOID_LABELS_ZH } from './qc-report';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const num = (x: number | null, d = 2) => (x === null ? '—' : x.toFixed(d));
const badge = (b: boolean | null) => (b === null ? '<span class="na">—</span>' : b ? '<span class="ok">达标</span>' : '<span class="bad">未达标</span>');

/** An inline SVG line of a daily series (no script, no network: prints and opens offline). */
function sparkline(values: Array<number | null>, label: string): string {
  const w = 640, h = 120, pad = 24;
  const vs = values.filter((v): v is number => v !== null);
  if (vs.length === 0) return '';
  const lo = Math.min(...vs), hi = Math.max(...vs), span = hi - lo || 1;
  const pts = values.map((v, i) => (v === null ? null : `${pad + (i * (w - 2 * pad)) / Math.max(1, values.length - 1)},${h - pad - ((v - lo) * (h - 2 * pad)) / span}`)).filter(Boolean).join(' ');
  return `<figure><svg width="${w}" height="${h}" role="img" aria-label="${esc(label)}"><rect x="0" y="0" width="${w}" height="${h}" fill="#fafafa"/><polyline fill="none" stroke="#c0392b" stroke-width="2" points="${pts}"/><text x="4" y="14" font-size="11">${esc(num(hi))}</text><text x="4" y="${h - 6}" font-size="11">${esc(num(lo))}</text></svg><figcaption>${esc(label)}</figcaption></figure>`;
}

/** The printable report (A4; Chromium prints it to PDF). Self-contained: no script, style inline. */
export function qcReportHtml(r: QcReport): string {
  const f = r.fleet;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(r.month)} 院前急救质控月报</title>
<style>
@page { size: A4; margin: 14mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; color: #222; margin: 24px; }
h1 { font-size: 22px; } h2 { font-size: 16px; border-bottom: 2px solid #c0392b; padding-bottom: 2px; margin-top: 24px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; page-break-inside: auto; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; } th { background: #f3e5e3; }
td.n { text-align: right; } .ok { color: #1e7e34; font-weight: bold; } .bad { color: #c0392b; font-weight: bold; } .na { color: #888; }
figure { display: inline-block; margin: 4px 12px 4px 0; } figcaption { font-size: 11px; color: #555; }
.small { font-size: 11px; color: #555; }
</style></head><body data-ready="yes">
<h1>${esc(r.month)} 院前急救质控月报 <span class="small">Monthly pre-hospital EMS quality report</span></h1>
<p class="small">生成时间 ${esc(r.generatedAt)} · 任务总数 ${r.tasks} · 指标公式见 docs/indicators.md</p>
<h2>一、质控指标 Indicators</h2>
<table id="indicators"><thead><tr><th>指标</th><th>数值</th><th>目标</th><th>是否达标</th><th>样本数</th><th>缺失时间</th><th>依据</th></tr></thead><tbody>
${r.lines.map((l) => `<tr><td>${esc(l.zh)}<br><span class="small">${esc(l.en)}</span></td><td class="n">${num(l.value)} ${esc(l.unit)}</td><td>${esc(l.target)}</td><td>${badge(l.met)}</td><td class="n">${l.n}</td><td class="n">${l.missing}</td><td class="small">${esc(l.source)}</td></tr>`).join('\n')}
</tbody></table>
<p>空车原因：${Object.entries(r.voidByReason).map(([k, v]) => `${esc(VOID_LABELS_ZH[k] ?? k)} ${v}`).join('，')}</p>
<h2>二、每日趋势 Trends</h2>
${sparkline(r.trend.map((t) => t.tasks), '每日任务数')}
${sparkline(r.trend.map((t) => (t.departure3minRate === null ? null : t.departure3minRate * 100)), '3分钟出车率 (%)')}
${sparkline(r.trend.map((t) => (t.responseMeanS === null ? null : t.responseMeanS / 60)), '平均反应时间 (分钟)')}
<h2>三、站点排名 Station ranking</h2>
<p class="small">排序：3分钟出车率从高到低，其次平均反应时间从短到长（本系统默认规则，见 docs/indicators.md）。</p>
<table id="ranking"><thead><tr><th>排名</th><th>站点</th><th>任务数</th><th>3分钟出车率</th><th>平均反应时间</th><th>1分钟调度率</th><th>空车率</th></tr></thead><tbody>
${r.ranking.map((s) => `<tr><td class="n">${s.rank}</td><td>${esc(r.stationNames[s.stationId] ?? '')} (${esc(s.stationId)})</td><td class="n">${s.tasks}</td><td class="n">${num(s.departure3minRate === null ? null : s.departure3minRate * 100, 1)}%</td><td class="n">${num(s.responseMeanS === null ? null : s.responseMeanS / 60)} min</td><td class="n">${num(s.dispatch1minRate === null ? null : s.dispatch1minRate * 100, 1)}%</td><td class="n">${num(s.voidRate === null ? null : s.voidRate * 100, 1)}%</td></tr>`).join('\n')}
</tbody></table>
<h2>四、覆盖情况 Coverage</h2>
<p>${r.coverage ? `${esc(r.coverage.rule)}：覆盖率 ${num(r.coverage.compliance * 100, 1)}%（${esc(r.coverage.source)}）` : '未提供覆盖分析（npm run coverage 生成 summary.json 后以 --coverage 传入）'}</p>
<h2>五、车辆配置 Fleet</h2>
<table id="fleet"><tbody>
<tr><th>人口</th><td>${f.population ?? '未提供'}${f.jurisdiction === 'county' ? '（县域按×3计）' : ''}</td></tr>
<tr><th>救护车</th><td>${f.ambulances} 辆；要求 ${f.required === null ? '—' : `≥ ${f.required} 辆（每3万人1辆）`} ${badge(f.ratioMet)}</td></tr>
<tr><th>负压救护车</th><td>${f.negativePressure} 辆，占 ${num(f.negativePressureShare === null ? null : f.negativePressureShare * 100, 1)}%（要求 ≥ 40%） ${badge(f.negativePressureMet)}</td></tr>
</tbody></table>
<h2>六、缺失时间的任务 Tasks missing a time</h2>
<table id="missing"><thead><tr><th>指标</th><th>任务数</th><th>任务编号（前 50 个，完整列表见 XLSX）</th></tr></thead><tbody>
${r.missing.map((m) => `<tr><td>${esc(m.indicator)}</td><td class="n">${m.taskIds.length}</td><td class="small">${esc(m.taskIds.slice(0, 50).join(', '))}</td></tr>`).join('\n')}
</tbody></table>
</body></html>
`;
}
