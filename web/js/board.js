import { addLabels, onLangChange, statusLabel, t } from './i18n.js';
import { api, apiKey, dur, esc, km } from './util.js';

const L = window.L;

addLabels({
  'tab.board': '任务',
  intake: '受理呼救', callLoc: '坐标', parse: '解析', searchAddr: '地址检索', search: '搜索', address: '地址', complaint: '主诉', takeCall: '受理',
  answeredAt: '受理时间', callTaken: '已受理', pendingCalls: '待派车呼救', activeTasks: '执行中任务', waiting: '等待', noPending: '没有待派车的呼救。',
  noActive: '没有执行中的任务。', dispatchUnit: '派车', closeUnserved: '未派车结案', closeReason: '未派车原因', confirm: '确认', cancel: '取消',
  callToDispatch: '受理→派车', orderToDeparture: '派车→出车', etaScene: '到现场', etaHospital: '到医院', viaScene: '经现场', hospital: '医院',
  chooseHospital: '选择医院', choose: '选定', addUnit: '增派', end: '终止', endTask: '终止任务', endReason: '原因', next: '下一步',
  'alert.departure_late': '出车超时', 'alert.unit_stale': '定位过期', 'alert.unit_offline': '终端离线', 'alert.off_route': '偏离路线',
  'cap.chest-pain': '胸痛中心', 'cap.stroke': '卒中中心', 'cap.trauma': '创伤中心', 'cap.critical-maternal': '危重孕产妇', 'cap.critical-neonatal': '危重新生儿',
  lacking: '缺少', unreachable: '无法到达', pickOnMap: '或点击地图选点。', needLocation: '请先给出地点（坐标、地址检索或点击地图）',
  mapPicked: '地图选点', reasonNeeded: '请填写原因', dispatcher: '调度员', call: '呼救', noResults: '无结果',
}, {
  'tab.board': 'Tasks',
  intake: 'Take a call', callLoc: 'Coordinates', parse: 'Parse', searchAddr: 'Address search', search: 'Search', address: 'Address', complaint: 'Chief complaint', takeCall: 'Take call',
  answeredAt: 'Answered', callTaken: 'Call taken', pendingCalls: 'Waiting calls', activeTasks: 'Active tasks', waiting: 'waiting', noPending: 'No call waiting.',
  noActive: 'No active task.', dispatchUnit: 'Dispatch', closeUnserved: 'Close unserved', closeReason: 'Why no unit', confirm: 'Confirm', cancel: 'Cancel',
  callToDispatch: 'Call→dispatch', orderToDeparture: 'Order→departure', etaScene: 'to scene', etaHospital: 'to hospital', viaScene: 'via scene', hospital: 'Hospital',
  chooseHospital: 'Receiving hospital', choose: 'Choose', addUnit: 'Add unit', end: 'End', endTask: 'End task', endReason: 'Reason', next: 'Next',
  'alert.departure_late': 'late departure', 'alert.unit_stale': 'stale position', 'alert.unit_offline': 'terminal offline', 'alert.off_route': 'off route',
  'cap.chest-pain': 'Chest pain centre', 'cap.stroke': 'Stroke centre', 'cap.trauma': 'Trauma centre', 'cap.critical-maternal': 'Critical maternal', 'cap.critical-neonatal': 'Critical neonatal',
  lacking: 'lacks', unreachable: 'unreachable', pickOnMap: 'or click the map.', needLocation: 'Give a location first (coordinates, address search or a map click)',
  mapPicked: 'map click', reasonNeeded: 'A reason is needed', dispatcher: 'Dispatcher', call: 'Call', noResults: 'No results',
});

const NEXT = { order_received: 'en_route', en_route: 'on_scene', on_scene: 'patient_loaded', patient_loaded: 'at_hospital', at_hospital: 'task_complete' };
const ENDINGS = {
  order_received: ['aborted'], en_route: ['aborted'], on_scene: ['aborted', 'refused', 'gone_on_arrival', 'dead_not_transported'], patient_loaded: ['aborted'],
};
const HOSPITAL_CAPS = ['chest-pain', 'stroke', 'trauma', 'critical-maternal', 'critical-neonatal'];

/**
 * The dispatcher's board (issue 14): call intake (pasted coordinates in any datum through
 * /geocode/parse, address search through /geocode/search, or a map click), waiting calls in the order the
 * server gives (病情就急, then waiting time), active tasks with live status, ETA, clocks and alerts over
 * /board/stream, status changes and endings with a reason, more units for one call, and the receiving
 * hospital ranked by road time from the scene.
 */
export class BoardView {
  constructor(ctx, root) {
    this.ctx = ctx;
    this.map = ctx.map;
    this.root = root;
    this.layer = L.layerGroup();
    this.board = null;
    this.receivedAt = 0;
    this.picked = null; // {lat, lon, crs, source}
    this.geo = [];
    this.action = null; // {kind: 'dispatch'|'close'|'end'|'hospital', id, ...}
    this.renderShell();
    onLangChange(() => {
      this.renderShell();
      this.renderBoard();
      this.renderAction();
    });
    setInterval(() => this.tick(), 1000);
  }

  start() {
    const key = apiKey();
    const es = new EventSource(key ? `/board/stream?access_token=${encodeURIComponent(key)}` : '/board/stream');
    es.addEventListener('board', (ev) => {
      this.board = JSON.parse(ev.data);
      this.receivedAt = Date.now();
      this.renderBoard();
    });
    this.es = es;
  }

  activate() {
    this.layer.addTo(this.map);
    this.map.getContainer().style.cursor = 'crosshair';
  }

  deactivate() {
    this.map.removeLayer(this.layer);
    this.map.getContainer().style.cursor = '';
  }

  async onMapClick(latlng) {
    this.setPicked({ lat: latlng.lat, lon: latlng.lng, crs: 'WGS84', source: t('mapPicked') });
    const addr = this.root.querySelector('#call-addr');
    try {
      const r = await api(`/geocode/reverse?lat=${latlng.lat.toFixed(6)}&lon=${latlng.lng.toFixed(6)}`);
      if (addr && !addr.value && r.road) addr.value = [r.place?.name, r.road.name].filter(Boolean).join(' ');
    } catch {
      /* no named road near: the address stays as typed */
    }
  }

  renderShell() {
    const keep = (id) => this.root.querySelector(id)?.value ?? '';
    const prev = { loc: keep('#call-loc'), q: keep('#call-q'), addr: keep('#call-addr'), complaint: keep('#call-complaint') };
    this.root.innerHTML = `
      <h2>${t('intake')}</h2>
      <form class="form" id="call-form">
        <label>${t('callLoc')} <input type="text" id="call-loc" placeholder="116.404,39.915" value="${esc(prev.loc)}"></label>
        <select id="call-crs" title="CRS"><option value="WGS84">WGS-84</option><option value="GCJ02">GCJ-02 高德/腾讯</option><option value="BD09">BD-09 百度</option></select>
        <button class="sec" type="button" id="call-parse">${t('parse')}</button>
      </form>
      <form class="form" id="geo-form">
        <label>${t('searchAddr')} <input type="text" id="call-q" value="${esc(prev.q)}"></label>
        <button class="sec" type="submit" id="call-search">${t('search')}</button>
        <span class="hint">${t('pickOnMap')}</span>
      </form>
      <ul id="geo-results" class="geo-results"></ul>
      <div id="call-picked" class="hint"></div>
      <form class="form" id="call-details">
        <label>${t('address')} <input type="text" id="call-addr" value="${esc(prev.addr)}"></label>
        <label>${t('priority')} <select id="call-prio">${[1, 2, 3, 4].map((p) => `<option value="${p}"${p === 2 ? ' selected' : ''}>${t(`prio.${p}`)}</option>`).join('')}</select></label>
        <label>${t('complaint')} <input type="text" id="call-complaint" value="${esc(prev.complaint)}"></label>
        <label><input type="checkbox" id="call-als"> ALS</label>
        <button class="act" type="submit" id="call-submit">${t('takeCall')}</button>
      </form>
      <div id="board-msg"></div>
      <div id="board-action"></div>
      <h3>${t('pendingCalls')}</h3>
      <div id="board-pending"></div>
      <h3>${t('activeTasks')}</h3>
      <div id="board-active"></div>`;
    this.root.querySelector('#call-parse').addEventListener('click', () => this.parse());
    this.root.querySelector('#geo-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.search();
    });
    this.root.querySelector('#call-details').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.takeCall();
    });
    this.root.querySelector('#call-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.parse();
    });
    this.renderPicked();
    this.renderGeo();
  }

  message(kind, text) {
    const box = this.root.querySelector('#board-msg');
    box.innerHTML = kind ? `<div class="msg ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${esc(text)}</div>` : '';
  }

  setPicked(p) {
    // The call is answered (受理) when the dispatcher first places it: that time goes with it.
    if (p && !this.answeredAt) this.answeredAt = new Date();
    this.picked = p;
    this.renderPicked();
    this.draw();
  }

  renderPicked() {
    const box = this.root.querySelector('#call-picked');
    if (!box) return;
    const p = this.picked;
    const at = this.answeredAt ? `${t('answeredAt')} ${this.answeredAt.toLocaleTimeString('zh-CN', { hour12: false })} · ` : '';
    box.textContent = p ? `${at}✚ ${p.wgs84 ? `${p.wgs84.lat.toFixed(6)}, ${p.wgs84.lon.toFixed(6)} (WGS-84)` : `${p.lat.toFixed(6)}, ${p.lon.toFixed(6)} (${p.crs})`} · ${p.source}` : '';
    box.dataset.crs = p?.crs ?? '';
  }

  /** Pasted coordinates (any order and notation the server reads) in the datum chosen. */
  async parse() {
    const text = this.root.querySelector('#call-loc').value.trim();
    const crs = this.root.querySelector('#call-crs').value;
    if (!text) return;
    try {
      const r = await api(`/geocode/parse?text=${encodeURIComponent(text)}&crs=${crs}`);
      this.setPicked({ lat: r.input.lat, lon: r.input.lon, crs: r.datum, wgs84: r.wgs84, source: `${crs} ${text}` });
      this.message(r.warnings?.length ? 'info' : null, (r.warnings ?? []).join('; '));
    } catch (err) {
      this.message('error', `${t('error')}: ${err.message}`);
    }
  }

  async search() {
    const q = this.root.querySelector('#call-q').value.trim();
    if (!q) return;
    const c = this.map.getCenter();
    try {
      const r = await api(`/geocode/search?q=${encodeURIComponent(q)}&near=${c.lat.toFixed(5)},${c.lng.toFixed(5)}&limit=8`);
      this.geo = r.results;
      this.renderGeo(true);
    } catch (err) {
      this.message('error', `${t('error')}: ${err.message}`);
    }
  }

  renderGeo(searched = false) {
    const ul = this.root.querySelector('#geo-results');
    if (!ul) return;
    ul.innerHTML = this.geo.length
      ? this.geo.map((g, i) => `<li data-i="${i}" class="selectable">${esc(g.name)} <span class="hint">${esc(g.kind)}${g.address ? ` · ${esc(g.address)}` : ''}${g.distanceM != null ? ` · ${km(g.distanceM)}` : ''}</span></li>`).join('')
      : searched ? `<li class="hint">${t('noResults')}</li>` : '';
    for (const li of ul.querySelectorAll('li[data-i]')) {
      li.addEventListener('click', () => {
        const g = this.geo[Number(li.dataset.i)];
        this.setPicked({ lat: g.lat, lon: g.lon, crs: 'WGS84', source: g.name });
        const addr = this.root.querySelector('#call-addr');
        addr.value = g.address ? `${g.name}（${g.address}）` : g.name;
        this.geo = [];
        this.renderGeo();
        this.map.setView([g.lat, g.lon], Math.max(this.map.getZoom(), 15), { animate: false });
      });
    }
  }

  async takeCall() {
    if (!this.picked) {
      this.message('error', t('needLocation'));
      return;
    }
    const body = {
      location: { lat: this.picked.lat, lon: this.picked.lon, crs: this.picked.crs },
      priority: Number(this.root.querySelector('#call-prio').value),
      answeredAt: (this.answeredAt ?? new Date()).toISOString(),
    };
    const addr = this.root.querySelector('#call-addr').value.trim();
    const complaint = this.root.querySelector('#call-complaint').value.trim();
    if (addr) body.address = addr;
    if (complaint) body.chiefComplaint = complaint;
    if (this.root.querySelector('#call-als').checked) body.requiredCapabilities = ['als'];
    try {
      const call = await api('/calls', { method: 'POST', body });
      this.message('ok', `${t('callTaken')}: ${call.id.slice(0, 10)} · ${t('priority')} ${call.priority}`);
      this.picked = null;
      this.answeredAt = null;
      for (const id of ['#call-loc', '#call-q', '#call-addr', '#call-complaint']) this.root.querySelector(id).value = '';
      this.root.querySelector('#call-als').checked = false;
      this.renderPicked();
      this.draw();
    } catch (err) {
      this.message('error', `${t('error')} ${err.status ?? ''}: ${err.message}`);
    }
  }

  draw() {
    this.layer.clearLayers();
    const mark = (lat, lon, cls, html, title) =>
      L.marker([lat, lon], { icon: L.divIcon({ className: `board-icon ${cls}`, iconSize: [20, 20], html }), title, interactive: false }).addTo(this.layer);
    if (this.picked?.wgs84 || this.picked?.crs === 'WGS84') {
      const p = this.picked.wgs84 ?? this.picked;
      mark(p.lat, p.lon, 'picked', '<span>✚</span>', 'new call');
    }
    for (const c of this.board?.pendingCalls ?? []) mark(c.location.lat, c.location.lon, `pending prio-${c.priority}`, `<span>${c.priority}</span>`, c.id);
    for (const task of this.board?.activeTasks ?? []) mark(task.incident.lat, task.incident.lon, 'scene', '<span>✚</span>', task.taskId);
  }

  /** Clocks advance between events without touching the rest of the DOM. */
  tick() {
    if (!this.board) return;
    const dt = (Date.now() - this.receivedAt) / 1000;
    for (const el of this.root.querySelectorAll('[data-clock]')) el.textContent = dur(Number(el.dataset.clock) + (el.dataset.running === 'true' ? dt : 0));
  }

  renderBoard() {
    const b = this.board;
    const pending = this.root.querySelector('#board-pending');
    const active = this.root.querySelector('#board-active');
    if (!b || !pending) return;
    pending.innerHTML = b.pendingCalls.length
      ? `<table id="pending-table"><thead><tr><th>${t('priority')}</th><th class="num">${t('waiting')}</th><th>${t('address')}</th><th>${t('complaint')}</th><th></th></tr></thead><tbody>${b.pendingCalls
          .map((c) => `<tr data-call-id="${esc(c.id)}" class="prio-${c.priority}"><td>${esc(t(`prio.${c.priority}`))}</td>
            <td class="num" data-clock="${c.waitingS}" data-running="true">${dur(c.waitingS)}</td>
            <td>${esc(c.address ?? `${c.location.lat.toFixed(5)}, ${c.location.lon.toFixed(5)}`)}</td><td>${esc(c.chiefComplaint ?? '')}</td>
            <td><button class="act recommend" data-call-id="${esc(c.id)}">${t('dispatchUnit')}</button> <button class="sec close-call" data-call-id="${esc(c.id)}">${t('closeUnserved')}</button></td></tr>`)
          .join('')}</tbody></table>`
      : `<p class="hint">${t('noPending')}</p>`;
    active.innerHTML = b.activeTasks.length
      ? `<table id="active-table"><thead><tr><th>${t('unit')}</th><th>${t('status')}</th><th class="num">${t('eta')}</th><th class="num">${t('callToDispatch')}</th><th class="num">${t('orderToDeparture')}</th><th>${t('hospital')}</th><th></th></tr></thead><tbody>${b.activeTasks.map((task) => this.taskRow(task)).join('')}</tbody></table>`
      : `<p class="hint">${t('noActive')}</p>`;
    for (const btn of pending.querySelectorAll('button.recommend')) btn.addEventListener('click', () => this.openDispatch(btn.dataset.callId));
    for (const btn of pending.querySelectorAll('button.close-call')) btn.addEventListener('click', () => this.openAction({ kind: 'close', id: btn.dataset.callId }));
    for (const btn of active.querySelectorAll('button.next')) btn.addEventListener('click', () => this.move(btn.dataset.taskId, btn.dataset.to, null));
    for (const btn of active.querySelectorAll('button.end')) btn.addEventListener('click', () => this.openAction({ kind: 'end', id: btn.dataset.taskId }));
    for (const btn of active.querySelectorAll('button.hosp')) btn.addEventListener('click', () => this.openHospitals(btn.dataset.taskId, []));
    for (const btn of active.querySelectorAll('button.more')) btn.addEventListener('click', () => this.openDispatch(btn.dataset.callId, true));
    this.draw();
  }

  taskRow(task) {
    const status = task.unit?.status ?? null;
    const eta = task.leg === 'to_hospital' ? task.etaToHospitalS : task.etaToSceneS;
    const next = NEXT[status];
    const alerts = task.alerts.map((a) => `<span class="flag alert alert-${a}" data-alert="${a}">${esc(t(`alert.${a}`))}</span>`).join('');
    const hosp = task.hospital ? `${esc(task.hospital.name)}${task.etaToHospitalS != null ? ` · ${dur(task.etaToHospitalS)}${task.etaToHospitalViaScene ? ` (${t('viaScene')})` : ''}` : ''}` : '—';
    const dep = task.timers;
    return `<tr data-task-id="${esc(task.taskId)}" data-status="${esc(status ?? '')}" class="prio-${task.priority}${task.alerts.length ? ' alerting' : ''}">
      <td>${esc(task.unitId)}<br><span class="hint">${esc(t(`prio.${task.priority}`))}${task.chiefComplaint ? ` · ${esc(task.chiefComplaint)}` : ''}</span></td>
      <td class="status">${esc(statusLabel(status))}${alerts}</td>
      <td class="num eta">${eta == null ? '—' : `${dur(eta)}<br><span class="hint">${t(task.leg === 'to_hospital' ? 'etaHospital' : 'etaScene')}</span>`}</td>
      <td class="num">${dur(dep.callToDispatchS)}</td>
      <td class="num${dep.departureLate ? ' late' : ''}" data-clock="${dep.orderToDepartureS}" data-running="${!dep.departed}">${dur(dep.orderToDepartureS)}</td>
      <td class="hospital">${hosp}</td>
      <td>${next ? `<button class="act next" data-task-id="${esc(task.taskId)}" data-to="${next}">${esc(statusLabel(next))}</button>` : ''}
        ${ENDINGS[status] ? `<button class="sec end" data-task-id="${esc(task.taskId)}">${t('end')}</button>` : ''}
        <button class="sec hosp" data-task-id="${esc(task.taskId)}">${t('hospital')}</button>
        ${task.callId ? `<button class="sec more" data-call-id="${esc(task.callId)}">${t('addUnit')}</button>` : ''}</td></tr>`;
  }

  openAction(a) {
    this.action = a;
    this.renderAction();
  }

  async openDispatch(callId, more = false) {
    const call = this.board?.pendingCalls.find((c) => c.id === callId) ?? (await api(`/calls/${callId}`).catch(() => null));
    if (!call) return;
    this.openAction({ kind: 'dispatch', id: callId, call, more, result: null });
    try {
      const result = await api('/dispatch/recommendations', {
        method: 'POST',
        body: { location: { lat: call.location.lat, lon: call.location.lon }, priority: call.priority, requiredCapabilities: call.requiredCapabilities, limit: 5 },
      });
      if (this.action?.id === callId) {
        this.action.result = result;
        this.renderAction();
      }
    } catch (err) {
      this.message('error', `${t('error')}: ${err.message}`);
    }
  }

  async openHospitals(taskId, caps) {
    const task = this.board?.activeTasks.find((x) => x.taskId === taskId);
    if (!task) return;
    this.openAction({ kind: 'hospital', id: taskId, caps, result: null });
    try {
      const q = `lat=${task.incident.lat}&lon=${task.incident.lon}${caps.length ? `&capabilities=${caps.join(',')}` : ''}`;
      const result = await api(`/board/hospitals?${q}`);
      if (this.action?.id === taskId) {
        this.action.result = result;
        this.renderAction();
      }
    } catch (err) {
      this.message('error', `${t('error')}: ${err.message}`);
    }
  }

  renderAction() {
    const box = this.root.querySelector('#board-action');
    if (!box) return;
    const a = this.action;
    if (!a) {
      box.innerHTML = '';
      return;
    }
    const cancel = `<button class="sec" type="button" id="action-cancel">${t('cancel')}</button>`;
    if (a.kind === 'close') {
      box.innerHTML = `<form class="form action" id="close-form"><b>${t('closeUnserved')}</b> <label>${t('closeReason')} <input type="text" id="close-reason"></label>
        <button class="act" type="submit" id="close-go">${t('confirm')}</button> ${cancel}</form>`;
      box.querySelector('#close-form').addEventListener('submit', (ev) => {
        ev.preventDefault();
        this.closeCall(a.id, box.querySelector('#close-reason').value.trim());
      });
    } else if (a.kind === 'end') {
      const task = this.board?.activeTasks.find((x) => x.taskId === a.id);
      const endings = ENDINGS[task?.unit?.status] ?? ['aborted'];
      box.innerHTML = `<form class="form action" id="end-form"><b>${t('endTask')} ${esc(task?.unitId ?? '')}</b>
        <select id="end-status">${endings.map((s) => `<option value="${s}">${esc(statusLabel(s))}</option>`).join('')}</select>
        <label>${t('endReason')} <input type="text" id="end-reason"></label>
        <button class="act" type="submit" id="end-go">${t('confirm')}</button> ${cancel}</form>`;
      box.querySelector('#end-form').addEventListener('submit', (ev) => {
        ev.preventDefault();
        const reason = box.querySelector('#end-reason').value.trim();
        if (!reason) return this.message('error', t('reasonNeeded'));
        this.move(a.id, box.querySelector('#end-status').value, reason);
      });
    } else if (a.kind === 'dispatch') {
      const r = a.result;
      const rows = r
        ? r.candidates.map((c, i) => `<tr class="cand" data-unit-id="${esc(c.unitId)}"><td>${i + 1}</td><td>${esc(c.unitId)}${c.stale ? `<span class="flag stale">${t('stale')}</span>` : ''}</td>
            <td class="num">${dur(c.etaS)}</td><td class="num">${km(c.roadDistanceM)}</td><td><button class="act assign" data-unit-id="${esc(c.unitId)}">${t('assign')}</button></td></tr>`).join('')
        : '';
      box.innerHTML = `<div class="action" id="dispatch-panel"><b>${a.more ? t('addUnit') : t('dispatchUnit')}</b> · ${esc(t(`prio.${a.call.priority}`))} ${esc(a.call.address ?? '')} ${cancel}
        ${r ? (r.candidates.length ? `<table id="board-cands"><thead><tr><th>${t('rank')}</th><th>${t('unit')}</th><th class="num">${t('eta')}</th><th class="num">${t('roadDist')}</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : `<p>${t('noCandidates')}</p>`) : `<p class="hint">${t('working')}</p>`}</div>`;
      for (const btn of box.querySelectorAll('button.assign')) btn.addEventListener('click', () => this.assign(a.id, btn.dataset.unitId, btn));
    } else if (a.kind === 'hospital') {
      const r = a.result;
      const checks = HOSPITAL_CAPS.map((c) => `<label><input type="checkbox" class="hcap" value="${c}"${a.caps.includes(c) ? ' checked' : ''}> ${esc(t(`cap.${c}`))}</label>`).join(' ');
      const rows = r
        ? r.hospitals.map((h, i) => `<tr data-hospital-id="${esc(h.id)}"><td>${i + 1}</td><td>${esc(h.name)}<br><span class="hint">${h.capabilities.map((c) => esc(t(`cap.${c}`))).join('、')}</span></td>
            <td class="num">${dur(h.etaS)}</td><td><button class="act choose" data-hospital-id="${esc(h.id)}">${t('choose')}</button></td></tr>`).join('')
          + r.excluded.map((x) => `<tr class="excluded" data-hospital-id="${esc(x.id)}"><td></td><td>${esc(x.name)}</td><td colspan="2" class="hint">${x.reason === 'unreachable' ? t('unreachable') : `${t('lacking')} ${x.missing.map((c) => esc(t(`cap.${c}`))).join('、')}`}</td></tr>`).join('')
        : '';
      box.innerHTML = `<div class="action" id="hospital-panel"><b>${t('chooseHospital')}</b> ${cancel}<div class="form">${checks}</div>
        ${r ? `<table id="hosp-table"><thead><tr><th>${t('rank')}</th><th>${t('hospital')}</th><th class="num">${t('eta')}</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : `<p class="hint">${t('working')}</p>`}</div>`;
      for (const cb of box.querySelectorAll('input.hcap')) {
        cb.addEventListener('change', () => this.openHospitals(a.id, [...box.querySelectorAll('input.hcap:checked')].map((x) => x.value)));
      }
      for (const btn of box.querySelectorAll('button.choose')) btn.addEventListener('click', () => this.chooseHospital(a.id, btn.dataset.hospitalId));
    }
    box.querySelector('#action-cancel')?.addEventListener('click', () => this.openAction(null));
  }

  async assign(callId, unitId, button) {
    button.disabled = true;
    try {
      const task = await api(`/calls/${callId}/tasks`, { method: 'POST', body: { unitId } });
      this.message('ok', `${t('taskCreated')}: ${task.id.slice(0, 10)} → ${unitId}`);
      this.openAction(null);
    } catch (err) {
      button.disabled = false;
      this.message('error', err.status === 409 ? `409 · ${t('conflict')}: ${unitId}. ${err.body?.message ?? ''}` : `${t('error')} ${err.status ?? ''}: ${err.message}`);
    }
  }

  async closeCall(callId, reason) {
    if (!reason) return this.message('error', t('reasonNeeded'));
    try {
      await api(`/calls/${callId}/close`, { method: 'POST', body: { reason } });
      this.message('ok', `${t('closeUnserved')}: ${reason}`);
      this.openAction(null);
    } catch (err) {
      this.message('error', `${t('error')} ${err.status ?? ''}: ${err.message}`);
    }
  }

  async move(taskId, status, reason) {
    try {
      await api(`/tasks/${taskId}/events`, { method: 'POST', body: reason ? { status, reason } : { status } });
      this.message('ok', `${statusLabel(status)}${reason ? ` · ${reason}` : ''}`);
      if (this.action?.id === taskId) this.openAction(null);
    } catch (err) {
      this.message('error', `${t('error')} ${err.status ?? ''}: ${err.message}`);
    }
  }

  async chooseHospital(taskId, hospitalId) {
    try {
      const r = await api(`/tasks/${taskId}/hospital`, { method: 'PUT', body: { hospitalId } });
      this.message('ok', `${t('chooseHospital')}: ${r.hospitalName}`);
      this.openAction(null);
    } catch (err) {
      this.message('error', `${t('error')} ${err.status ?? ''}: ${err.message}`);
    }
  }
}
