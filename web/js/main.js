import { applyStatic, getLang, setLang, setStatusLabelsZh } from './i18n.js';
import { createMap } from './map.js';
import { FleetView } from './fleet.js';
import { DispatchView } from './dispatch.js';
import { PlanningView } from './planning.js';
import { IndicatorsView } from './indicators.js';
import { BoardView } from './board.js';
import { HospitalView } from './hospital.js';
import { OrdersPanel } from './orders.js';
import { AlarmsPanel } from './alarms.js';
import { AccountsView } from './accounts.js';
import { RegistryView } from './registry.js';
import { AuditView } from './audit.js';
import { api, ensureKey, takeKeyFromUrl } from './util.js';

/** Boot: labels, map with the offline basemap, then the four views; `window.rc` is for tests and debugging. */
async function main() {
  // Before anything reads location.hash: the demo link carries the key there.
  takeKeyFromUrl();
  applyStatic();
  await ensureKey();
  document.getElementById('lang').addEventListener('click', () => setLang(getLang() === 'zh' ? 'en' : 'zh'));
  const me = await api('/auth/me');
  // The audit administrator reads the audit trail and nothing operational (separation of duties).
  if (me.role === 'auditor') return startAuditor();
  const statuses = await api('/console/statuses');
  setStatusLabelsZh(Object.fromEntries(statuses.statuses.map((s) => [s.status, s.zh])));
  const base = await createMap();
  // A receiving hospital's key or account sees its own pre-arrival notices and nothing of the centre.
  if (me.role === 'hospital') return startHospital(base);
  const views = {};
  let current = 'fleet';
  const ctx = {
    ...base,
    showView(name) {
      if (name === current) return;
      views[current].deactivate?.();
      current = name;
      for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('active', b.dataset.view === name);
      for (const s of document.querySelectorAll('.view')) s.classList.toggle('active', s.id === `view-${name}`);
      document.getElementById('panel').classList.toggle('wide', name === 'indicators' || name === 'accounts' || name === 'registry');
      base.map.invalidateSize();
      views[name].activate?.();
      history.replaceState(null, '', `#${name}`);
    },
  };
  views.fleet = new FleetView(ctx, document.getElementById('view-fleet'));
  views.dispatch = new DispatchView(ctx, document.getElementById('view-dispatch'), views.fleet);
  views.planning = new PlanningView(ctx, document.getElementById('view-planning'));
  views.indicators = new IndicatorsView(ctx, document.getElementById('view-indicators'));
  views.registry = new RegistryView(ctx, document.getElementById('view-registry'));
  views.accounts = new AccountsView(ctx, document.getElementById('view-accounts'), document.querySelector('#tabs button[data-view="accounts"]'));
  views.board = new BoardView(ctx, document.getElementById('view-board'));
  for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => ctx.showView(b.dataset.view));
  base.map.on('click', (ev) => {
    if (current === 'dispatch') views.dispatch.onMapClick(ev.latlng);
    if (current === 'board') views.board.onMapClick(ev.latlng);
  });
  await views.fleet.start();
  views.board.start();
  // On every view: terminal alarms and the orders sent down to the vehicles (issue 12).
  const panels = { alarms: new AlarmsPanel(ctx, document.getElementById('ops-alarms'), views.fleet), orders: new OrdersPanel(document.getElementById('ops-orders')) };
  await Promise.all([panels.alarms.start(), panels.orders.start()]);
  const initial = location.hash.slice(1);
  if (views[initial]) ctx.showView(initial);
  window.rc = { ctx, views, panels, ready: true };
  document.body.dataset.ready = 'true';
}

/** The hospital's console: the map and its notices only (tabs and the centre's panels hidden). */
async function startHospital(base) {
  document.getElementById('tabs').hidden = true;
  document.getElementById('ops')?.remove();
  for (const s of document.querySelectorAll('.view')) s.classList.remove('active');
  const section = document.getElementById('view-board');
  section.classList.add('active');
  const view = new HospitalView(base, section);
  await view.start();
  window.rc = { ctx: base, views: { hospital: view }, ready: true };
  document.body.dataset.ready = 'true';
}

/** The auditor's console: the audit trail and its export, full width (no map, tabs or operational panels). */
async function startAuditor() {
  document.getElementById('tabs').hidden = true;
  document.getElementById('ops')?.remove();
  document.getElementById('map').hidden = true;
  for (const s of document.querySelectorAll('.view')) s.classList.remove('active');
  const section = document.getElementById('view-audit');
  section.classList.add('active');
  document.getElementById('panel').classList.add('wide', 'alone');
  const view = new AuditView(section);
  await view.start();
  window.rc = { views: { audit: view }, ready: true };
  document.body.dataset.ready = 'true';
}

main().catch((err) => {
  document.body.dataset.ready = 'error';
  const div = document.createElement('div');
  div.className = 'msg error';
  div.textContent = `console failed to start: ${err.message}`;
  document.body.prepend(div);
  throw err;
});
