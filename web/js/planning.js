import { onLangChange, t } from './i18n.js';
import { api, esc, pct } from './util.js';

const L = window.L;
const ISO_MINUTES = [5, 10, 15, 30];
const ISO_COLOURS = { 5: '#1a9850', 10: '#91cf60', 15: '#fee08b', 30: '#fc8d59' };
const RULES = [
  { id: '1030', zh: '1030 原则（城区 10 分钟，农村 30 分钟）', en: '1030 principle (urban 10 min, rural 30 min)' },
  { id: 'rescue-circle-15', zh: '15 分钟急救圈', en: '15-minute rescue circle' },
];

/**
 * Planning view on the coverage API (apps/server/src/coverage): station isochrones 5/10/15/30 min,
 * a rule's analysis (covered and uncovered demand), and the live coverage of the fleet where it is now.
 */
export class PlanningView {
  constructor(ctx, root) {
    this.ctx = ctx;
    this.map = ctx.map;
    this.root = root;
    this.isoLayer = L.layerGroup();
    this.ruleLayer = L.layerGroup();
    this.liveLayer = L.layerGroup();
    this.summary = { iso: '', rule: '', live: '' };
    this.renderShell();
    onLangChange(() => this.renderShell());
  }

  activate() {
    for (const l of [this.isoLayer, this.ruleLayer, this.liveLayer]) l.addTo(this.map);
  }

  deactivate() {
    for (const l of [this.isoLayer, this.ruleLayer, this.liveLayer]) this.map.removeLayer(l);
  }

  renderShell() {
    const zh = document.documentElement.lang !== 'en';
    const prevStation = this.root.querySelector('#iso-station')?.value ?? '';
    const prevRule = this.root.querySelector('#cov-rule')?.value ?? '1030';
    this.root.innerHTML = `
      <h2>${t('tab.planning')}</h2>
      <p class="hint">${t('planningHint')}</p>
      <h3>${t('isochrones')}</h3>
      <form class="form" id="iso-form">
        <select id="iso-station"><option value="">${t('allStations')}</option>${this.ctx.stations.map((s) => `<option value="${esc(s.id)}">${esc(s.id)} ${esc(s.name)}</option>`).join('')}</select>
        ${ISO_MINUTES.map((m) => `<label><input type="checkbox" name="iso-min" value="${m}" checked><span class="swatch" style="background:${ISO_COLOURS[m]}"></span>${m} ${t('minutes')}</label>`).join('')}
        <button class="act" type="submit" id="iso-go">${t('show')}</button><button class="sec" type="button" id="iso-clear">${t('clear')}</button>
      </form>
      <div id="iso-msg">${this.summary.iso}</div>
      <h3>${t('ruleCoverage')}</h3>
      <form class="form" id="cov-form">
        <select id="cov-rule">${RULES.map((r) => `<option value="${r.id}">${esc(zh ? r.zh : r.en)}</option>`).join('')}</select>
        <button class="act" type="submit" id="cov-go">${t('analyse')}</button><button class="sec" type="button" id="cov-clear">${t('clear')}</button>
      </form>
      <div class="legend"><span><span class="swatch" style="background:#2e7d32"></span>${t('covered')}</span><span><span class="swatch" style="background:#d32f2f"></span>${t('uncovered')}</span></div>
      <div id="cov-msg">${this.summary.rule}</div>
      <h3>${t('liveCoverage')}</h3>
      <form class="form" id="live-form"><button class="act" type="submit" id="live-go">${t('show')}</button><button class="sec" type="button" id="live-clear">${t('clear')}</button></form>
      <div id="live-msg">${this.summary.live}</div>`;
    this.root.querySelector('#iso-station').value = prevStation;
    this.root.querySelector('#cov-rule').value = prevRule;
    const on = (id, f) => this.root.querySelector(id).addEventListener(id.endsWith('form') ? 'submit' : 'click', (ev) => {
      ev.preventDefault();
      f();
    });
    on('#iso-form', () => this.isochrones());
    on('#cov-form', () => this.analyse());
    on('#live-form', () => this.live());
    on('#iso-clear', () => this.clear('iso', this.isoLayer));
    on('#cov-clear', () => this.clear('rule', this.ruleLayer));
    on('#live-clear', () => this.clear('live', this.liveLayer));
  }

  clear(key, layer) {
    layer.clearLayers();
    this.say(key, '');
  }

  say(key, html) {
    this.summary[key] = html;
    const box = this.root.querySelector({ iso: '#iso-msg', rule: '#cov-msg', live: '#live-msg' }[key]);
    if (box) box.innerHTML = html;
  }

  fail(key, err) {
    const missing = err.status === 404;
    this.say(key, `<div class="msg error">${esc(missing ? t('coverageUnavailable') : `${t('error')} ${err.status ?? ''}: ${err.message}`)}</div>`);
  }

  async isochrones() {
    const station = this.root.querySelector('#iso-station').value;
    const minutes = [...this.root.querySelectorAll('input[name="iso-min"]:checked')].map((i) => Number(i.value));
    if (!minutes.length) return;
    this.say('iso', `<p class="hint">${t('working')}</p>`);
    const ids = station ? [station] : this.ctx.stations.map((s) => s.id);
    try {
      const collections = await Promise.all(ids.map((id) => api(`/coverage/isochrones?station=${encodeURIComponent(id)}&minutes=${minutes.join(',')}`)));
      this.isoLayer.clearLayers();
      // largest first so smaller bands stay visible on top
      const features = collections.flatMap((c) => c.features ?? []).sort((a, b) => (b.properties?.minutes ?? 0) - (a.properties?.minutes ?? 0));
      const layer = L.geoJSON({ type: 'FeatureCollection', features }, {
        interactive: false,
        style: (f) => {
          const c = ISO_COLOURS[f.properties?.minutes] ?? '#888';
          const line = f.geometry?.type?.includes('LineString');
          return { color: c, weight: line ? 3 : 1, fillColor: c, fillOpacity: 0.16, opacity: line ? 0.9 : 0.6, className: `isochrone iso-${f.properties?.minutes}` };
        },
      }).addTo(this.isoLayer);
      if (features.length) this.map.fitBounds(layer.getBounds(), { padding: [20, 20] });
      this.say('iso', `<p class="hint" id="iso-count">${features.length} × ${minutes.join('/')} ${t('minutes')}</p>`);
    } catch (err) {
      this.fail('iso', err);
    }
  }

  async analyse() {
    const rule = this.root.querySelector('#cov-rule').value;
    this.say('rule', `<p class="hint">${t('working')}</p>`);
    try {
      let r = await api('/coverage/analyses', { method: 'POST', body: { rule } });
      r = await this.untilDone(r, (id) => `/coverage/analyses/${encodeURIComponent(id)}`);
      const a = r.result ?? r.analysis ?? r;
      this.ruleLayer.clearLayers();
      this.clear('live', this.liveLayer); // one demand layer at a time
      this.drawPoints(this.ruleLayer, a.points ?? [], 'cov');
      if (a.uncovered || a.covered) this.drawAreas(this.ruleLayer, a);
      const classes = (a.byClass ?? []).map((c) => `<tr><td>${esc(c.areaClass)}</td><td class="num">${Math.round((c.limit?.maxTimeS ?? 0) / 60)} ${t('minutes')}</td><td class="num">${pct(c.share)}</td><td class="num">${c.coveredPoints}/${c.points}</td></tr>`).join('');
      this.say('rule', `<p id="cov-summary"><b>${esc(a.rule?.name ?? rule)}</b>: ${t('covered')} ${pct(a.compliance)}</p>
        ${classes ? `<table><thead><tr><th>${t('areaClass')}</th><th class="num">≤</th><th class="num">${t('share')}</th><th class="num">${t('covered')}</th></tr></thead><tbody>${classes}</tbody></table>` : ''}`);
    } catch (err) {
      this.fail('rule', err);
    }
  }

  async live() {
    const rule = this.root.querySelector('#cov-rule').value;
    this.say('live', `<p class="hint">${t('working')}</p>`);
    try {
      const r = await api(`/coverage/live?rule=${encodeURIComponent(rule)}`);
      const a = r.result ?? r;
      this.liveLayer.clearLayers();
      this.clear('rule', this.ruleLayer);
      this.drawPoints(this.liveLayer, a.points ?? [], 'live');
      if (a.uncovered || a.covered) this.drawAreas(this.liveLayer, a);
      const units = (a.units ?? []).slice().sort((x, y) => (y.lossIfSent ?? 0) - (x.lossIfSent ?? 0))
        .map((u) => `<tr><td>${esc(u.id ?? u.unitId)}</td><td class="num">${pct(u.lossIfSent)}</td></tr>`).join('');
      this.say('live', `<p id="live-summary">${t('liveCoverage')} (${esc(a.rule ?? rule)}): <b>${pct(a.share)}</b> <span class="hint">${a.at ? new Date(a.at).toLocaleTimeString() : ''}</span></p>
        ${units ? `<table><thead><tr><th>${t('unit')}</th><th class="num">${t('lossIfSent')}</th></tr></thead><tbody>${units}</tbody></table>` : ''}`);
    } catch (err) {
      this.fail('live', err);
    }
  }

  /** An analysis may be answered at once or as a job to poll. */
  async untilDone(r, pathOf) {
    for (let i = 0; i < 120 && r && r.id && !r.points && !r.result && (r.status ?? r.state) !== 'done' && (r.status ?? r.state) !== 'failed'; i++) {
      await new Promise((res) => setTimeout(res, 500));
      r = await api(pathOf(r.id));
    }
    if ((r.status ?? r.state) === 'failed') throw new Error(r.error ?? 'analysis failed');
    return r;
  }

  drawPoints(layer, points, cls) {
    const canvas = L.canvas({ padding: 0.2 });
    for (const p of points) {
      if (p.lat === undefined) continue;
      L.circleMarker([p.lat, p.lon], {
        renderer: canvas, interactive: false, radius: Math.min(12, 3 + Math.sqrt(p.weight ?? 1) / 6), weight: p.covered ? 0 : 1.5, color: '#7f0000',
        fillColor: p.covered ? '#2e7d32' : '#d32f2f', fillOpacity: p.covered ? 0.4 : 0.7,
      }).addTo(layer);
    }
    this.root.dataset[`${cls}Points`] = String(points.length);
    this.root.dataset[`${cls}Uncovered`] = String(points.filter((p) => !p.covered).length);
  }

  drawAreas(layer, a) {
    for (const [key, colour] of [['covered', '#2e7d32'], ['uncovered', '#d32f2f']]) {
      if (a[key] && typeof a[key] === 'object' && a[key].type) {
        L.geoJSON(a[key], { interactive: false, style: { color: colour, weight: 1, fillColor: colour, fillOpacity: 0.25, className: `area-${key}` } }).addTo(layer);
      }
    }
  }
}
