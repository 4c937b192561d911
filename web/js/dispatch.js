import { onLangChange, statusLabel, t } from './i18n.js';
import { api, dur, esc, km } from './util.js';

const L = window.L;
const ROUTE_COLOURS = ['#1565c0', '#00897b', '#8e24aa', '#ef6c00', '#546e7a'];

/**
 * Dispatch view: an incident location (map click or typed lat,lon in WGS-84 or GCJ-02) →
 * POST /dispatch/recommendations → ranked units with ETA and road distance, their routes on the map,
 * the excluded units with reasons, and an assign button (POST /tasks; a 409 is shown as it is).
 */
export class DispatchView {
  constructor(ctx, root, fleet) {
    this.ctx = ctx;
    this.map = ctx.map;
    this.root = root;
    this.fleet = fleet;
    this.layer = L.layerGroup();
    this.result = null;
    this.incident = null;
    this.message = null;
    this.routes = new Map();
    this.renderShell();
    onLangChange(() => {
      this.renderShell();
      this.renderResult();
    });
    fleet.onUnit((u) => {
      if (this.result?.candidates.some((c) => c.unitId === u.unitId)) this.renderResultSoon();
    });
  }

  activate() {
    this.layer.addTo(this.map);
    this.map.getContainer().style.cursor = 'crosshair';
  }

  deactivate() {
    this.map.removeLayer(this.layer);
    this.map.getContainer().style.cursor = '';
  }

  onMapClick(latlng) {
    const v = `${latlng.lat.toFixed(6)},${latlng.lng.toFixed(6)}`;
    this.root.querySelector('#inc-loc').value = v;
    this.root.querySelector('#inc-crs').value = 'WGS84';
    this.recommend();
  }

  renderShell() {
    const prev = this.root.querySelector('#inc-loc')?.value ?? '';
    this.root.innerHTML = `
      <h2>${t('tab.dispatch')}</h2>
      <p class="hint">${t('dispatchHint')}</p>
      <form class="form" id="inc-form">
        <label>${t('location')} <input type="text" id="inc-loc" placeholder="42.5078,1.5211" value="${esc(prev)}"></label>
        <select id="inc-crs" title="CRS"><option value="WGS84">WGS-84</option><option value="GCJ02">GCJ-02</option><option value="BD09">BD-09</option></select>
        <label>${t('priority')} <select id="inc-prio">${[1, 2, 3, 4].map((p) => `<option value="${p}"${p === 2 ? ' selected' : ''}>${t(`prio.${p}`)}</option>`).join('')}</select></label>
        <label><input type="checkbox" id="inc-als"> ${t('als')}</label>
        <button class="act" type="submit" id="inc-go">${t('recommend')}</button>
      </form>
      <div id="dispatch-msg"></div>
      <div id="dispatch-result"></div>`;
    this.root.querySelector('#inc-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.recommend();
    });
    this.renderMessage();
  }

  setMessage(kind, text) {
    this.message = kind ? { kind, text } : null;
    this.renderMessage();
  }

  renderMessage() {
    const box = this.root.querySelector('#dispatch-msg');
    if (!box) return;
    box.innerHTML = this.message ? `<div class="msg ${this.message.kind}" role="${this.message.kind === 'error' ? 'alert' : 'status'}">${esc(this.message.text)}</div>` : '';
  }

  parseLocation() {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(this.root.querySelector('#inc-loc').value);
    if (!m) return null;
    const lat = Number(m[1]);
    const lon = Number(m[2]);
    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) return null;
    return { lat, lon, crs: this.root.querySelector('#inc-crs').value };
  }

  async recommend() {
    const loc = this.parseLocation();
    if (!loc) {
      this.setMessage('error', `${t('error')}: ${t('location')} = lat,lon`);
      return;
    }
    this.priority = Number(this.root.querySelector('#inc-prio').value);
    // The call's time (受理) for the tasks of this incident: when its location was first entered here,
    // not when a unit is assigned (that is the order time; the difference is the dispatch time).
    const where = `${loc.lat},${loc.lon},${loc.crs}`;
    if (where !== this.incidentKey) {
      this.incidentKey = where;
      this.callTakenAt = new Date().toISOString();
    }
    const body = { location: loc, priority: this.priority, limit: 5 };
    if (this.root.querySelector('#inc-als').checked) body.requiredCapabilities = ['als'];
    this.setMessage('info', t('working'));
    this.assigned = new Set();
    try {
      this.result = await api('/dispatch/recommendations', { method: 'POST', body });
      this.incident = { lat: this.result.incident.lat, lon: this.result.incident.lon };
      this.setMessage(null);
    } catch (err) {
      this.result = null;
      this.incident = loc.crs === 'WGS84' ? { lat: loc.lat, lon: loc.lon } : null;
      this.setMessage('error', err.body?.code === 'INCIDENT_NOT_ROUTABLE' ? t('notRoutable') : `${t('error')}: ${err.message}`);
    }
    this.draw();
    this.renderResult();
  }

  draw() {
    this.layer.clearLayers();
    this.routes.clear();
    if (this.incident) {
      L.marker([this.incident.lat, this.incident.lon], {
        icon: L.divIcon({ className: 'incident-icon', iconSize: [22, 22], html: '<span style="color:#b71c1c">✚</span>' }),
        interactive: false,
      }).addTo(this.layer);
    }
    if (!this.result) return;
    const cands = this.result.candidates;
    // later ranks first, so the best route is drawn on top
    for (let i = cands.length - 1; i >= 0; i--) {
      const c = cands[i];
      if (!c.route?.coordinates?.length) continue;
      const line = L.polyline(c.route.coordinates.map(([lon, lat]) => [lat, lon]), {
        color: ROUTE_COLOURS[i % ROUTE_COLOURS.length], weight: i === 0 ? 6 : 3.5, opacity: i === 0 ? 0.9 : 0.6,
        className: `route-line route-${i}`, dashArray: i === 0 ? null : '6 5',
      }).addTo(this.layer);
      line.bindTooltip(`${c.unitId} · ${dur(c.etaS)} · ${km(c.roadDistanceM)}`, { sticky: true });
      this.routes.set(c.unitId, line);
    }
    const b = L.latLngBounds([[this.incident.lat, this.incident.lon]]);
    for (const l of this.routes.values()) b.extend(l.getBounds());
    if (this.routes.size) this.map.fitBounds(b, { padding: [40, 40], maxZoom: 15, animate: false });
  }

  renderResultSoon() {
    clearTimeout(this.soon);
    this.soon = setTimeout(() => this.renderResult(), 200);
  }

  renderResult() {
    const box = this.root.querySelector('#dispatch-result');
    if (!box) return;
    const r = this.result;
    if (!r) {
      box.innerHTML = '';
      return;
    }
    const live = (id) => this.fleet.units.get(id)?.u;
    const rows = r.candidates.map((c, i) => {
      const u = live(c.unitId);
      const taken = this.assigned?.has(c.unitId);
      return `<tr class="selectable cand" data-unit-id="${esc(c.unitId)}">
        <td><span class="swatch" style="background:${ROUTE_COLOURS[i % ROUTE_COLOURS.length]}"></span>${i + 1}</td>
        <td>${esc(c.unitId)}${c.stale ? `<span class="flag stale">${t('stale')}</span>` : ''}<br><span class="hint">${esc(statusLabel(u?.status ?? c.status))}</span></td>
        <td class="num">${dur(c.etaS)}</td><td class="num">${km(c.roadDistanceM)}</td><td class="num">${km(c.straightDistanceM)}</td>
        <td class="num">${dur(c.fixAgeS)}</td>
        <td><button class="act assign" data-unit-id="${esc(c.unitId)}"${taken ? ' disabled' : ''}>${taken ? t('assigned') : t('assign')}</button></td></tr>`;
    }).join('');
    const excluded = r.excluded.map((x) => `<tr data-unit-id="${esc(x.unitId)}"><td>${esc(x.unitId)}</td><td>${esc(t(`reason.${x.reason}`))}</td><td class="hint">${esc(x.detail)}</td></tr>`).join('');
    box.innerHTML = `
      <p class="hint">${r.incident.lat.toFixed(5)}, ${r.incident.lon.toFixed(5)} · ${t('snap')} ${Math.round(r.incident.snapM ?? 0)} m</p>
      <h3>${t('recommendations')}</h3>
      ${r.candidates.length ? `<table id="cand-table"><thead><tr><th>${t('rank')}</th><th>${t('unit')}</th><th class="num">${t('eta')}</th><th class="num">${t('roadDist')}</th><th class="num">${t('straightDist')}</th><th class="num">${t('fixAge')}</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : `<p>${t('noCandidates')}</p>`}
      <h3>${t('excluded')} (${r.excluded.length})</h3>
      <table id="excluded-table"><thead><tr><th>${t('unit')}</th><th>${t('reason')}</th><th>${t('detail')}</th></tr></thead><tbody>${excluded}</tbody></table>`;
    for (const tr of box.querySelectorAll('tr.cand')) {
      const line = () => this.routes.get(tr.dataset.unitId);
      tr.addEventListener('mouseenter', () => line()?.setStyle({ weight: 8 }).bringToFront());
      tr.addEventListener('mouseleave', () => {
        const i = r.candidates.findIndex((c) => c.unitId === tr.dataset.unitId);
        line()?.setStyle({ weight: i === 0 ? 6 : 3.5 });
      });
    }
    for (const b of box.querySelectorAll('button.assign')) b.addEventListener('click', () => this.assign(b.dataset.unitId, b));
  }

  async assign(unitId, button) {
    if (!this.result) return;
    button.disabled = true;
    try {
      const task = await api('/tasks', {
        method: 'POST',
        body: { unitId, location: { lat: this.result.incident.lat, lon: this.result.incident.lon }, priority: this.priority ?? 2, callTakenAt: this.callTakenAt },
      });
      (this.assigned ??= new Set()).add(unitId);
      this.setMessage('ok', `${t('taskCreated')}: ${task.id} → ${unitId}`);
      this.renderResult();
    } catch (err) {
      button.disabled = false;
      if (err.status === 409) {
        const who = err.body?.taskId ? ` (${t('task')} ${err.body.taskId})` : '';
        this.setMessage('error', `409 · ${t('conflict')}: ${unitId}${who}. ${err.body?.message ?? ''}`);
      } else {
        this.setMessage('error', `${t('error')} ${err.status ?? ''}: ${err.message}`);
      }
    }
  }
}
