import { onLangChange, t } from './i18n.js';
import { api, download, dur, esc, pct, toLocalInput } from './util.js';

/**
 * Indicators view: GET /indicators for a period (and optionally one station) → a table per station
 * plus the overall row, and two bar charts (3-minute departure rate, mean response time).
 */
export class IndicatorsView {
  constructor(ctx, root) {
    this.ctx = ctx;
    this.root = root;
    this.data = null;
    this.renderShell();
    onLangChange(() => {
      this.renderShell();
      this.renderData();
    });
  }

  activate() {
    if (!this.data) this.load();
  }

  renderShell() {
    const prev = this.root.querySelector('#ind-from') ? [this.root.querySelector('#ind-from').value, this.root.querySelector('#ind-to').value, this.root.querySelector('#ind-station').value] : null;
    const now = new Date();
    this.root.innerHTML = `
      <h2>${t('indicators')}</h2>
      <form class="form" id="ind-form">
        <label>${t('from')} <input type="datetime-local" id="ind-from"></label>
        <label>${t('to')} <input type="datetime-local" id="ind-to"></label>
        <label>${t('station')} <select id="ind-station"><option value="">${t('allStations')}</option>${this.ctx.stations.map((s) => `<option value="${esc(s.id)}">${esc(s.id)} ${esc(s.name)}</option>`).join('')}</select></label>
        <button class="act" type="submit">${t('load')}</button>
        <a id="ind-csv" href="#">${t('downloadCsv')}</a>
      </form>
      <div id="ind-msg"></div>
      <div id="ind-table"></div>
      <div id="ind-charts"></div>`;
    this.root.querySelector('#ind-from').value = prev?.[0] || toLocalInput(new Date(now.getTime() - 7 * 86400000));
    this.root.querySelector('#ind-to').value = prev?.[1] || toLocalInput(new Date(now.getTime() + 3600000));
    this.root.querySelector('#ind-station').value = prev?.[2] ?? '';
    this.root.querySelector('#ind-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.load();
    });
    this.root.querySelector('#ind-csv').addEventListener('click', (ev) => {
      ev.preventDefault();
      const path = ev.currentTarget.dataset.path;
      if (path) {
        download(path, 'indicators.csv').catch((err) => {
          this.root.querySelector('#ind-msg').innerHTML = `<div class="msg error">${esc(t('error'))}: ${esc(err.message)}</div>`;
        });
      }
    });
    this.updateCsvLink();
    for (const id of ['#ind-from', '#ind-to', '#ind-station']) this.root.querySelector(id).addEventListener('change', () => this.updateCsvLink());
  }

  query() {
    const from = new Date(this.root.querySelector('#ind-from').value);
    const to = new Date(this.root.querySelector('#ind-to').value);
    const station = this.root.querySelector('#ind-station').value;
    if (!Number.isFinite(from.getTime()) || !Number.isFinite(to.getTime())) return null;
    const q = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    if (station) q.set('station', station);
    return q;
  }

  updateCsvLink() {
    const q = this.query();
    const a = this.root.querySelector('#ind-csv');
    if (!q) return;
    q.set('format', 'csv');
    // A plain link would carry no key: the click fetches it with the key instead.
    a.dataset.path = `/indicators?${q}`;
  }

  async load() {
    const q = this.query();
    const msg = this.root.querySelector('#ind-msg');
    if (!q) return;
    try {
      this.data = await api(`/indicators?${q}`);
      msg.innerHTML = '';
    } catch (err) {
      this.data = null;
      msg.innerHTML = `<div class="msg error">${esc(t('error'))}: ${esc(err.message)}</div>`;
    }
    this.renderData();
  }

  renderData() {
    const d = this.data;
    const tbl = this.root.querySelector('#ind-table');
    const charts = this.root.querySelector('#ind-charts');
    if (!tbl || !d) return;
    const names = new Map(this.ctx.stations.map((s) => [s.id, s.name]));
    const stations = Object.keys(d.byStation).sort();
    const miss = (m) => (m?.length ? ` <span class="hint" title="${esc(m.join(', '))}">(${t('missing')} ${m.length})</span>` : '');
    const row = (label, x, cls = '') => `<tr class="${cls}" data-station="${esc(label)}">
      <td>${esc(label)}${names.has(label) ? ` <span class="hint">${esc(names.get(label))}</span>` : ''}</td>
      <td class="num">${x.tasks}</td>
      <td class="num">${pct(x.departure3min.rate)} <span class="hint">${x.departure3min.within}/${x.departure3min.n}</span>${miss(x.departure3min.missing)}</td>
      <td class="num">${dur(x.responseTime.meanS)}${miss(x.responseTime.missing)}</td>
      <td class="num">${dur(x.responseTime.p90S)}</td>
      <td class="num">${dur(x.roadTime.meanS)}</td>
      <td class="num">${dur(x.onSceneTime.meanS)}</td>
      <td class="num">${dur(x.onCallTime.meanS)}</td>
      <td class="num">${pct(x.demandSatisfaction.rate)} <span class="hint">${x.demandSatisfaction.dispatched}/${x.demandSatisfaction.requests}</span></td></tr>`;
    tbl.innerHTML = `<table id="indicators-table"><thead><tr><th>${t('station')}</th><th class="num">${t('tasks')}</th><th class="num">${t('dep3')}</th>
      <th class="num">${t('respMean')}</th><th class="num">${t('respP90')}</th><th class="num">${t('roadMean')}</th><th class="num">${t('sceneMean')}</th>
      <th class="num">${t('callMean')}</th><th class="num">${t('satisfaction')}</th></tr></thead>
      <tbody>${stations.map((s) => row(s, d.byStation[s])).join('')}${row(t('overall'), d.overall, 'overall')}</tbody></table>
      ${d.overall.tasks === 0 ? `<p class="hint">${t('noTasks')}</p>` : ''}`;
    charts.innerHTML =
      barChart(t('chartDep3'), stations.map((s) => [s, d.byStation[s].departure3min.rate]), (v) => pct(v), 1) +
      barChart(t('chartResp'), stations.map((s) => [s, d.byStation[s].responseTime.meanS === null ? null : d.byStation[s].responseTime.meanS / 60]), (v) => v.toFixed(1));
  }
}

/** A horizontal bar chart as inline SVG (no chart library). */
function barChart(title, items, fmt, fixedMax) {
  const rowH = 20;
  const labelW = 70;
  const w = 420;
  const max = fixedMax ?? Math.max(1e-9, ...items.map(([, v]) => v ?? 0));
  const bars = items.map(([k, v], i) => {
    const y = i * rowH + 4;
    const bw = v === null ? 0 : Math.max(1, ((w - labelW - 60) * v) / max);
    return `<text x="0" y="${y + 12}">${esc(k)}</text>
      <rect x="${labelW}" y="${y}" width="${bw.toFixed(1)}" height="${rowH - 6}" fill="#c62828"></rect>
      <text x="${labelW + bw + 4}" y="${y + 12}">${v === null ? '—' : esc(fmt(v))}</text>`;
  }).join('');
  return `<h3>${esc(title)}</h3><svg class="bar-chart" width="${w}" height="${items.length * rowH + 8}" role="img" aria-label="${esc(title)}">${bars}</svg>`;
}
