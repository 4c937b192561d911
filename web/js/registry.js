import { getLang, onLangChange } from './i18n.js';
import { api, apiKey, download, esc } from './util.js';

/**
 * Registry view (issue 13): the centre's stations, units and hospitals as registered; a file import with
 * a dry run first (what would change, each bad row with its row number and column) and then for real;
 * the monthly QC report (XLSX, printable HTML). Its own labels, Chinese first, so the shared dictionary
 * only gains the tab name.
 */
const L = {
  zh: {
    title: '登记与导入', stations: '站点', units: '车辆', hospitals: '医院', tasks: '历史任务', population: '人口',
    id: '编号', name: '名称', kind: '类型', address: '地址', areaClass: '区域', lat: '纬度', lon: '经度', plate: '车牌', station: '所属站点',
    capabilities: '能力', terminal: '终端', grade: '等级', none: '（暂无记录）',
    importTitle: '导入文件', what: '内容', crs: '坐标系', file: '文件', dryRun: '试运行（不写入）', apply: '导入', pickFile: '请先选择文件。',
    rows: '行', created: '新增', updated: '修改', unchanged: '未变', rejected: '拒绝', deleted: '删除', errors: '错误', row: '行号', column: '列', message: '说明',
    wouldChange: '将要变更', dryDone: '试运行完成，未写入任何数据。', applied: '已写入。', notApplied: '有错误，未写入任何数据。', action: '操作', 'action.create': '新增', 'action.update': '修改',
    report: '质控月报', month: '月份', xlsx: '下载 XLSX', html: '下载 HTML（可打印）', working: '处理中…', error: '错误',
  },
  en: {
    title: 'Registry and imports', stations: 'Stations', units: 'Units', hospitals: 'Hospitals', tasks: 'Historical tasks', population: 'Population',
    id: 'Id', name: 'Name', kind: 'Type', address: 'Address', areaClass: 'Area', lat: 'Lat', lon: 'Lon', plate: 'Plate', station: 'Station',
    capabilities: 'Capabilities', terminal: 'Terminal', grade: 'Grade', none: '(none registered)',
    importTitle: 'Import a file', what: 'What', crs: 'Datum', file: 'File', dryRun: 'Dry run (writes nothing)', apply: 'Import', pickFile: 'Choose a file first.',
    rows: 'rows', created: 'created', updated: 'updated', unchanged: 'unchanged', rejected: 'rejected', deleted: 'deleted', errors: 'Errors', row: 'Row', column: 'Column', message: 'Message',
    wouldChange: 'Changes', dryDone: 'Dry run: nothing was written.', applied: 'Applied.', notApplied: 'Errors: nothing was written.', action: 'Action', 'action.create': 'create', 'action.update': 'update',
    report: 'Monthly QC report', month: 'Month', xlsx: 'Download XLSX', html: 'Download HTML (printable)', working: 'Working…', error: 'Error',
  },
};
const tr = (k) => L[getLang()][k] ?? L.zh[k] ?? k;

const COLUMNS = {
  stations: [['id', (r) => r.id], ['name', (r) => r.name], ['kind', (r) => r.kind], ['areaClass', (r) => r.areaClass], ['address', (r) => r.address], ['lat', (r) => r.lat?.toFixed(6)], ['lon', (r) => r.lon?.toFixed(6)]],
  units: [['id', (r) => r.id], ['name', (r) => r.name], ['plate', (r) => r.plate], ['station', (r) => r.stationId], ['capabilities', (r) => (r.capabilities ?? []).join(' ')], ['terminal', (r) => [r.terminalKind, r.terminalId].filter(Boolean).join(' ')]],
  hospitals: [['id', (r) => r.id], ['name', (r) => r.name], ['grade', (r) => r.grade], ['capabilities', (r) => (r.capabilities ?? []).join(' ')], ['lat', (r) => r.lat?.toFixed(6)], ['lon', (r) => r.lon?.toFixed(6)]],
};

function lastMonth() {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

export class RegistryView {
  constructor(ctx, root) {
    this.ctx = ctx;
    this.root = root;
    this.list = 'stations';
    this.records = null;
    this.result = null;
    this.render();
    onLangChange(() => this.render());
  }

  activate() {
    this.load(this.list);
  }

  render() {
    const month = this.root.querySelector('#reg-month')?.value || lastMonth();
    this.root.innerHTML = `
      <h2>${esc(tr('title'))}</h2>
      <nav class="form" id="reg-lists">${['stations', 'units', 'hospitals'].map((k) => `<button type="button" data-list="${k}" class="${k === this.list ? 'act' : ''}">${esc(tr(k))}</button>`).join(' ')}</nav>
      <div id="reg-table"></div>
      <h3>${esc(tr('importTitle'))}</h3>
      <form class="form" id="reg-import">
        <label>${esc(tr('what'))} <select id="reg-kind">${['stations', 'units', 'hospitals', 'tasks', 'population'].map((k) => `<option value="${k}">${esc(tr(k))}</option>`).join('')}</select></label>
        <label>${esc(tr('crs'))} <select id="reg-crs"><option value="WGS84">WGS-84 (GPS)</option><option value="GCJ02">GCJ-02 (高德/腾讯)</option><option value="BD09">BD-09 (百度)</option></select></label>
        <label>${esc(tr('file'))} <input type="file" id="reg-file" accept=".csv,.xlsx,.geojson,.json,.tif,.tiff"></label>
        <button type="button" id="reg-dry">${esc(tr('dryRun'))}</button>
        <button type="button" class="act" id="reg-apply">${esc(tr('apply'))}</button>
      </form>
      <div id="reg-result"></div>
      <h3>${esc(tr('report'))}</h3>
      <form class="form" id="reg-report">
        <label>${esc(tr('month'))} <input type="month" id="reg-month" value="${esc(month)}"></label>
        <a href="#" id="reg-xlsx">${esc(tr('xlsx'))}</a> <a href="#" id="reg-html">${esc(tr('html'))}</a>
      </form>
      <div id="reg-msg"></div>`;
    for (const b of this.root.querySelectorAll('#reg-lists button')) b.addEventListener('click', () => this.load(b.dataset.list));
    this.root.querySelector('#reg-dry').addEventListener('click', () => this.upload(true));
    this.root.querySelector('#reg-apply').addEventListener('click', () => this.upload(false));
    for (const fmt of ['xlsx', 'html']) {
      this.root.querySelector(`#reg-${fmt}`).addEventListener('click', (ev) => {
        ev.preventDefault();
        const m = this.root.querySelector('#reg-month').value;
        download(`/reports/qc?month=${encodeURIComponent(m)}&format=${fmt}`, `qc-${m}.${fmt}`).catch((err) => this.fail(err));
      });
    }
    this.renderTable();
    this.renderResult();
  }

  fail(err) {
    this.root.querySelector('#reg-msg').innerHTML = `<div class="msg error">${esc(tr('error'))}: ${esc(err.data?.message ?? err.message)}</div>`;
  }

  async load(kind) {
    this.list = kind;
    for (const b of this.root.querySelectorAll('#reg-lists button')) b.classList.toggle('act', b.dataset.list === kind);
    try {
      this.records = (await api(`/registry/${kind}`)).records;
    } catch (err) {
      this.records = [];
      this.fail(err);
    }
    this.renderTable();
  }

  renderTable() {
    const el = this.root.querySelector('#reg-table');
    if (!this.records) return void (el.innerHTML = '');
    const cols = COLUMNS[this.list];
    el.innerHTML = this.records.length === 0
      ? `<p class="hint" id="reg-empty">${esc(tr('none'))}</p>`
      : `<table class="grid" id="reg-records" data-kind="${this.list}"><thead><tr>${cols.map(([k]) => `<th>${esc(tr(k))}</th>`).join('')}</tr></thead>
         <tbody>${this.records.map((r) => `<tr data-id="${esc(r.id)}">${cols.map(([, f]) => `<td>${esc(f(r) ?? '')}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  }

  async upload(dryRun) {
    const file = this.root.querySelector('#reg-file').files[0];
    const out = this.root.querySelector('#reg-result');
    if (!file) return void (out.innerHTML = `<div class="msg error">${esc(tr('pickFile'))}</div>`);
    const kind = this.root.querySelector('#reg-kind').value;
    const q = new URLSearchParams({ crs: this.root.querySelector('#reg-crs').value, dryRun: String(dryRun), source: file.name });
    if (kind !== 'population') q.set('format', /\.xlsx$/i.test(file.name) ? 'xlsx' : /\.(geo)?json$/i.test(file.name) ? 'geojson' : 'csv');
    out.innerHTML = `<p class="hint">${esc(tr('working'))}</p>`;
    const headers = { 'Content-Type': 'application/octet-stream' };
    if (apiKey()) headers.Authorization = `Bearer ${apiKey()}`;
    try {
      const res = await fetch(`/admin/import/${kind}?${q}`, { method: 'POST', headers, body: file });
      const data = await res.json().catch(() => null);
      if (!res.ok) throw Object.assign(new Error(data?.message ?? `HTTP ${res.status}`), { data });
      this.result = data;
      this.renderResult();
      if (!dryRun && data.applied && kind === this.list) await this.load(kind);
    } catch (err) {
      this.result = null;
      out.innerHTML = `<div class="msg error">${esc(tr('error'))}: ${esc(err.message)}</div>`;
    }
  }

  renderResult() {
    const r = this.result;
    const out = this.root.querySelector('#reg-result');
    if (!r) return;
    const counts = [['rows', r.rows], ['created', r.created ?? r.inserted], ['updated', r.updated], ['unchanged', r.unchanged], ['rejected', r.rejected], ['deleted', r.deleted]]
      .filter(([, v]) => v !== undefined).map(([k, v]) => `${esc(tr(k))} ${v}`).join('，');
    const status = r.dryRun ? tr('dryDone') : r.applied ? tr('applied') : tr('notApplied');
    const errors = (r.errors ?? []).length === 0 ? '' : `<h4>${esc(tr('errors'))}</h4><table class="grid" id="reg-errors"><thead><tr><th>${esc(tr('row'))}</th><th>${esc(tr('column'))}</th><th>${esc(tr('message'))}</th></tr></thead>
      <tbody>${r.errors.map((e) => `<tr><td>${e.row}</td><td>${esc(e.column)}</td><td>${esc(e.message)}</td></tr>`).join('')}</tbody></table>`;
    const changes = (r.changes ?? []).length === 0 ? '' : `<h4>${esc(tr('wouldChange'))}</h4><table class="grid" id="reg-changes"><thead><tr><th>${esc(tr('row'))}</th><th>${esc(tr('id'))}</th><th>${esc(tr('action'))}</th><th></th></tr></thead>
      <tbody>${r.changes.map((c) => `<tr><td>${c.row}</td><td>${esc(c.id)}</td><td>${esc(tr(`action.${c.action}`))}</td><td>${esc((c.changes ?? []).map((f) => `${f.field}: ${f.from ?? '—'} → ${f.to ?? '—'}`).join('; '))}</td></tr>`).join('')}</tbody></table>`;
    out.innerHTML = `<div class="msg ${r.errors?.length && !r.applied ? 'error' : ''}" id="reg-status">${esc(counts)}。${esc(status)}</div>${errors}${changes}`;
  }
}
