import { onLangChange, statusLabel, t } from './i18n.js';
import { api, apiKey, dur, esc, h, toLocalInput } from './util.js';

const L = window.L;

export const STATUS_COLOURS = {
  available_at_station: '#2e7d32', available_returning: '#66bb6a', back_at_station: '#43a047',
  order_received: '#f57c00', en_route: '#d32f2f', on_scene: '#7b1fa2', patient_loaded: '#c2185b', at_hospital: '#1565c0',
  task_complete: '#00897b', refused: '#6d4c41', gone_on_arrival: '#6d4c41', dead_not_transported: '#6d4c41', aborted: '#6d4c41',
  suspended: '#757575', maintenance: '#757575', off_duty: '#9e9e9e',
};
const NO_STATUS = '#9e9e9e';
export const colourOf = (status) => STATUS_COLOURS[status] ?? NO_STATUS;

/**
 * Fleet view: every unit from GET /units then the SSE stream /units/stream, drawn as a dot coloured by
 * status (stale: faded and dashed; offline: grey with a cross), a list with fix ages ticking, a unit
 * panel and track replay over a time range.
 */
export class FleetView {
  constructor(ctx, root) {
    this.ctx = ctx;
    this.map = ctx.map;
    this.root = root;
    this.units = new Map(); // unitId -> {u, receivedAt, marker}
    this.staleAfterS = 120;
    this.selected = null;
    this.track = null;
    this.layer = L.layerGroup().addTo(this.map);
    this.trackLayer = L.layerGroup().addTo(this.map);
    this.listeners = [];
    this.renderShell();
    onLangChange(() => {
      this.renderShell();
      this.renderList();
      this.renderDetail();
    });
    setInterval(() => this.tick(), 1000);
  }

  /** Other views want to know when a unit changes (dispatch refreshes its buttons). */
  onUnit(f) {
    this.listeners.push(f);
  }

  async start() {
    const r = await api('/units');
    this.staleAfterS = r.staleAfterS;
    for (const u of r.units) this.upsert(u);
    this.renderList();
    this.connect();
  }

  connect() {
    const conn = document.getElementById('conn');
    const set = (state) => {
      conn.dataset.state = state;
      conn.textContent = t(`conn.${state}`);
    };
    set('connecting');
    // EventSource cannot send headers: an API key goes as access_token (accepted on this stream only);
    // a person's session cookie goes by itself.
    const key = apiKey();
    const es = new EventSource(key ? `/units/stream?access_token=${encodeURIComponent(key)}` : '/units/stream');
    es.addEventListener('open', () => set('open'));
    es.addEventListener('error', () => {
      set('error');
      // The browser retries a dropped stream itself, but gives up on a refusal (e.g. 401): a plain
      // request then brings the login form back if the key is the cause, and the stream reopens.
      if (es.readyState === EventSource.CLOSED) {
        api('/units').then(() => this.connect(), () => setTimeout(() => this.connect(), 5000));
      }
    });
    es.addEventListener('unit', (ev) => {
      this.upsert(JSON.parse(ev.data));
      this.renderListSoon();
    });
    if (!this.langHooked) onLangChange(() => set(conn.dataset.state));
    this.langHooked = true;
    this.es = es;
  }

  ageS(e) {
    if (e.u.fixAgeS === null || e.u.fixAgeS === undefined) return null;
    return e.u.fixAgeS + (Date.now() - e.receivedAt) / 1000;
  }

  /** The server's flag at the last event, or the fix having aged past the limit since. */
  isStale(e) {
    const a = this.ageS(e);
    return !!e.u.stale || (a !== null && a > this.staleAfterS);
  }

  upsert(u) {
    let e = this.units.get(u.unitId);
    if (!e) {
      e = { u, receivedAt: Date.now(), marker: null };
      this.units.set(u.unitId, e);
    }
    e.u = u;
    e.receivedAt = Date.now();
    if (u.lastFix) {
      const ll = [u.lastFix.lat, u.lastFix.lon];
      if (!e.marker) {
        e.marker = L.marker(ll, {
          icon: L.divIcon({ className: 'unit-icon', iconSize: [16, 16], html: `<div class="unit-dot"></div><span class="unit-label">${esc(u.unitId)}</span>` }),
          title: u.unitId,
          riseOnHover: true,
        }).addTo(this.layer);
        e.marker.on('click', () => this.select(u.unitId));
      } else {
        e.marker.setLatLng(ll);
      }
      this.style(e);
    }
    if (this.selected === u.unitId) this.updateDetail();
    for (const f of this.listeners) f(u);
  }

  style(e) {
    const el = e.marker?.getElement();
    if (!el) return;
    const u = e.u;
    el.dataset.unitId = u.unitId;
    el.dataset.status = u.status ?? '';
    el.dataset.online = String(!!u.online);
    el.dataset.stale = String(this.isStale(e));
    el.dataset.lat = String(u.lastFix.lat);
    el.dataset.lon = String(u.lastFix.lon);
    el.classList.toggle('selected', this.selected === u.unitId);
    el.firstElementChild.style.background = colourOf(u.status);
    e.marker.options.title = `${u.unitId} · ${statusLabel(u.status)}`;
    el.title = e.marker.options.title;
  }

  tick() {
    for (const e of this.units.values()) this.style(e);
    for (const td of this.root.querySelectorAll('td[data-age-of]')) {
      const e = this.units.get(td.dataset.ageOf);
      if (e) td.textContent = dur(this.ageS(e));
    }
    const d = this.root.querySelector('#unit-age');
    if (d && this.selected) d.textContent = dur(this.ageS(this.units.get(this.selected)));
  }

  renderShell() {
    this.root.innerHTML = `
      <h2>${t('units')} <span id="fleet-count" class="hint"></span></h2>
      <div class="legend" id="fleet-legend"></div>
      <div id="unit-detail"></div>
      <table id="unit-table"><thead><tr><th>${t('unit')}</th><th>${t('status')}</th><th>${t('task')}</th><th class="num">${t('fixAge')}</th><th></th></tr></thead><tbody></tbody></table>`;
  }

  renderListSoon() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = null;
      this.renderList();
    });
  }

  renderList() {
    const body = this.root.querySelector('#unit-table tbody');
    if (!body) return;
    const rows = [...this.units.values()].sort((a, b) => a.u.unitId.localeCompare(b.u.unitId));
    body.innerHTML = rows.map((e) => {
      const u = e.u;
      const flags = `${!u.online ? `<span class="flag offline">${t('offline')}</span>` : ''}${this.isStale(e) ? `<span class="flag stale">${t('stale')}</span>` : ''}`;
      return `<tr class="selectable${this.selected === u.unitId ? ' selected' : ''}" data-unit-id="${esc(u.unitId)}" data-status="${esc(u.status ?? '')}">
        <td><span class="swatch" style="background:${colourOf(u.status)}"></span>${esc(u.unitId)}</td>
        <td class="status">${esc(statusLabel(u.status))}</td><td>${esc(u.taskId ? u.taskId.slice(0, 8) : '')}</td>
        <td class="num" data-age-of="${esc(u.unitId)}">${dur(this.ageS(e))}</td><td>${flags}</td></tr>`;
    }).join('');
    for (const tr of body.querySelectorAll('tr')) {
      tr.addEventListener('click', () => {
        this.select(tr.dataset.unitId);
        const m = this.units.get(tr.dataset.unitId)?.marker;
        if (m) this.map.panTo(m.getLatLng());
      });
    }
    const counts = {};
    for (const e of rows) counts[e.u.status ?? ''] = (counts[e.u.status ?? ''] ?? 0) + 1;
    this.root.querySelector('#fleet-legend').innerHTML = Object.entries(counts)
      .map(([s, n]) => `<span><span class="swatch" style="background:${colourOf(s)}"></span>${esc(statusLabel(s))} ${n}</span>`)
      .join('') + `<span><span class="swatch" style="background:#bdbdbd;border-style:dashed"></span>${t('offline')}</span>` +
      `<span><span class="swatch" style="background:#2e7d32;opacity:.45;border-style:dashed"></span>${t('stale')}</span>`;
    this.root.querySelector('#fleet-count').textContent = `(${rows.length})`;
  }

  select(unitId) {
    if (this.track && this.track.unitId !== unitId) this.clearTrack();
    this.selected = unitId;
    this.renderList();
    this.renderDetail();
    for (const e of this.units.values()) this.style(e);
  }

  renderDetail() {
    const box = this.root.querySelector('#unit-detail');
    if (!box) return;
    const e = this.selected ? this.units.get(this.selected) : null;
    if (!e) {
      box.innerHTML = `<p class="hint">${t('selectUnit')}</p>`;
      return;
    }
    const u = e.u;
    const keepRange = box.querySelector('#track-from') ? [box.querySelector('#track-from').value, box.querySelector('#track-to').value] : null;
    const now = new Date();
    box.innerHTML = `
      <h3>${esc(u.unitId)} · ${esc(u.name ?? '')}</h3>
      <dl class="kv" id="unit-kv">${this.kvHtml(e)}</dl>
      <h3>${t('track')}</h3>
      <div class="form">
        <label>${t('from')} <input type="datetime-local" id="track-from" step="60"></label>
        <label>${t('to')} <input type="datetime-local" id="track-to" step="60"></label>
        <button class="act" id="track-go">${t('replay')}</button><button class="sec" id="track-clear">${t('clearTrack')}</button>
      </div>
      <div id="track-info" class="hint"></div>
      <div class="form" id="track-player" hidden>
        <button class="sec" id="track-play">${t('play')}</button>
        <input type="range" id="track-pos" min="0" max="0" value="0" style="flex:1">
        <span id="track-time" class="hint"></span>
      </div>`;
    const from = box.querySelector('#track-from');
    const to = box.querySelector('#track-to');
    from.value = keepRange ? keepRange[0] : toLocalInput(new Date(now.getTime() - 15 * 60000));
    to.value = keepRange ? keepRange[1] : toLocalInput(new Date(now.getTime() + 60000));
    box.querySelector('#track-go').addEventListener('click', () => this.replay(u.unitId, new Date(from.value), new Date(to.value)));
    box.querySelector('#track-clear').addEventListener('click', () => this.clearTrack());
    if (this.track && this.track.unitId === u.unitId) this.showPlayer();
  }

  kvHtml(e) {
    const u = e.u;
    return `
        <dt>${t('status')}</dt><dd data-field="status"><span class="swatch" style="background:${colourOf(u.status)}"></span>${esc(statusLabel(u.status))}</dd>
        <dt>${t('task')}</dt><dd data-field="task">${esc(u.taskId ?? t('none'))}</dd>
        <dt>${t('fixAge')}</dt><dd id="unit-age">${dur(this.ageS(e))}</dd>
        <dt>${t('speed')}</dt><dd>${u.lastFix ? `${Math.round(u.lastFix.speedKmh ?? 0)} km/h` : '—'}</dd>
        <dt>${t('online')}</dt><dd>${u.online ? t('yes') : `<span class="flag offline">${t('offline')}</span>`}${this.isStale(e) ? `<span class="flag stale">${t('stale')}</span>` : ''}</dd>
        <dt>${t('station')}</dt><dd>${esc(u.stationId ?? '')}</dd>
        <dt>${t('capabilities')}</dt><dd>${esc((u.capabilities ?? []).join(', ') || '—')}</dd>`;
  }

  updateDetail() {
    const kv = this.root.querySelector('#unit-kv');
    const e = this.selected ? this.units.get(this.selected) : null;
    if (kv && e) kv.innerHTML = this.kvHtml(e);
  }

  clearTrack() {
    this.trackLayer.clearLayers();
    if (this.track?.timer) clearInterval(this.track.timer);
    this.track = null;
    const p = this.root.querySelector('#track-player');
    if (p) p.hidden = true;
    const i = this.root.querySelector('#track-info');
    if (i) i.textContent = '';
  }

  async replay(unitId, from, to) {
    this.clearTrack();
    const info = this.root.querySelector('#track-info');
    try {
      const f = await api(`/units/${encodeURIComponent(unitId)}/track?from=${from.getTime()}&to=${to.getTime()}`);
      const coords = !f.geometry ? [] : f.geometry.type === 'Point' ? [f.geometry.coordinates] : f.geometry.coordinates;
      if (!coords.length) {
        info.textContent = t('trackEmpty');
        return;
      }
      const lls = coords.map(([lon, lat]) => [lat, lon]);
      const line = L.polyline(lls, { color: '#6a1b9a', weight: 3, opacity: 0.8, className: 'track-line' }).addTo(this.trackLayer);
      const head = L.circleMarker(lls[0], { radius: 6, color: '#000', fillColor: '#ffeb3b', fillOpacity: 1, weight: 2 }).addTo(this.trackLayer);
      this.track = { unitId, lls, times: f.properties.times, head, timer: null };
      this.map.fitBounds(line.getBounds(), { maxZoom: 14, padding: [30, 30], animate: false });
      info.textContent = `${f.properties.count} ${t('points')}${f.properties.truncated ? ' (…)' : ''}`;
      this.showPlayer();
    } catch (err) {
      info.textContent = `${t('error')}: ${err.message}`;
    }
  }

  showPlayer() {
    const tr = this.track;
    const p = this.root.querySelector('#track-player');
    if (!tr || !p) return;
    p.hidden = false;
    const pos = p.querySelector('#track-pos');
    const time = p.querySelector('#track-time');
    const play = p.querySelector('#track-play');
    pos.max = String(tr.lls.length - 1);
    const show = (i) => {
      tr.head.setLatLng(tr.lls[i]);
      time.textContent = new Date(tr.times[i]).toLocaleTimeString();
    };
    pos.addEventListener('input', () => show(Number(pos.value)));
    play.addEventListener('click', () => {
      if (tr.timer) {
        clearInterval(tr.timer);
        tr.timer = null;
        play.textContent = t('play');
        return;
      }
      play.textContent = t('pause');
      tr.timer = setInterval(() => {
        const i = Number(pos.value) + 1;
        if (i >= tr.lls.length) {
          clearInterval(tr.timer);
          tr.timer = null;
          play.textContent = t('play');
          return;
        }
        pos.value = String(i);
        show(i);
      }, 100);
    });
    show(Number(pos.value));
  }
}

export { h };
