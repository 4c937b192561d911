import { addLabels, onLangChange, statusLabel, t } from './i18n.js';
import { api, apiKey, dur, esc } from './util.js';

const L = window.L;

addLabels({
  preArrival: '院前急救预报', incoming: '即将到院的患者', noIncoming: '目前没有送往本院的患者。', etaHere: '预计到院', arrived: '已到院',
  viaSceneLong: '尚在现场或途中，含现场到医院路程', orderedAt: '派车时间',
}, {
  preArrival: 'Pre-arrival notices', incoming: 'Patients on the way', noIncoming: 'No patient is on the way to this hospital.', etaHere: 'ETA here', arrived: 'arrived',
  viaSceneLong: 'not yet left the scene: includes scene to hospital', orderedAt: 'Dispatched',
});

/**
 * The receiving hospital's view (role `hospital`): only the tasks sent to this hospital, each with
 * the unit, its status, acuity, chief complaint and live ETA here (GET /hospital/stream), and the units
 * on the map. The server decides what the hospital may see; this only shows it.
 */
export class HospitalView {
  constructor(ctx, root) {
    this.map = ctx.map;
    this.root = root;
    this.layer = L.layerGroup().addTo(this.map);
    this.data = null;
    this.receivedAt = 0;
    this.hospital = null;
    onLangChange(() => this.render());
    setInterval(() => this.tick(), 1000);
  }

  async start() {
    this.hospital = await api('/hospital/me');
    if (Number.isFinite(this.hospital.lat)) {
      L.marker([this.hospital.lat, this.hospital.lon], {
        icon: L.divIcon({ className: 'board-icon hospital-icon', iconSize: [20, 20], html: '<span>H</span>' }), interactive: false,
      }).addTo(this.map);
      this.map.setView([this.hospital.lat, this.hospital.lon], 13, { animate: false });
    }
    const key = apiKey();
    const es = new EventSource(key ? `/hospital/stream?access_token=${encodeURIComponent(key)}` : '/hospital/stream');
    const conn = document.getElementById('conn');
    const set = (state) => {
      conn.dataset.state = state;
      conn.textContent = t(`conn.${state}`);
    };
    es.addEventListener('open', () => set('open'));
    es.addEventListener('error', () => set('error'));
    es.addEventListener('notices', (ev) => {
      this.data = JSON.parse(ev.data);
      this.receivedAt = Date.now();
      this.render();
    });
    this.es = es;
    this.render();
  }

  tick() {
    // ETAs count down between events (a new event brings the road time from the unit's new fix)
    const dt = (Date.now() - this.receivedAt) / 1000;
    for (const el of this.root.querySelectorAll('[data-eta]')) el.textContent = dur(Math.max(0, Number(el.dataset.eta) - dt));
  }

  render() {
    const notices = this.data?.notices ?? [];
    this.root.innerHTML = `<h2>${t('preArrival')} · ${esc(this.hospital?.name ?? '')}</h2>
      <h3>${t('incoming')}</h3>
      ${notices.length
        ? `<table id="notice-table"><thead><tr><th>${t('unit')}</th><th>${t('status')}</th><th>${t('priority')}</th><th>${t('complaint')}</th><th class="num">${t('etaHere')}</th></tr></thead><tbody>${notices
            .map((n) => `<tr data-task-id="${esc(n.taskId)}" data-status="${esc(n.status ?? '')}"><td>${esc(n.unitId)}${n.stale ? `<span class="flag stale">${t('stale')}</span>` : ''}</td>
              <td>${esc(statusLabel(n.status))}</td><td>${esc(t(`prio.${n.priority}`))}</td><td>${esc(n.chiefComplaint ?? '')}</td>
              <td class="num eta">${n.arrivedAt ? t('arrived') : n.etaToHospitalS == null ? '—' : `<span data-eta="${n.etaToHospitalS}">${dur(n.etaToHospitalS)}</span>${n.etaToHospitalViaScene ? `<br><span class="hint" title="${esc(t('viaSceneLong'))}">${t('viaScene')}</span>` : ''}`}</td></tr>`)
            .join('')}</tbody></table>`
        : `<p class="hint">${t('noIncoming')}</p>`}`;
    this.layer.clearLayers();
    for (const n of notices) {
      if (!n.position) continue;
      L.marker([n.position.lat, n.position.lon], {
        icon: L.divIcon({ className: 'unit-icon', iconSize: [16, 16], html: `<div class="unit-dot" style="background:#c62828"></div><span class="unit-label">${esc(n.unitId)}</span>` }),
        interactive: false,
      }).addTo(this.layer);
    }
  }
}
