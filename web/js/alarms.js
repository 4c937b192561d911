import { getLang, onLangChange, t } from './i18n.js';
import { api, esc } from './util.js';

/**
 * Terminal alarms (JT/T 808 alarm flags: 紧急报警, 超速, 主电源掉电, GNSS天线…) as badges on every view:
 * the open ones from GET /alarms, then raised and cleared as the SSE stream's "alarm" events arrive
 * (on the fleet view's stream; a poll keeps it right across reconnects). Urgent ones first, in red; a
 * click centres the map where the alarm was raised.
 */
export class AlarmsPanel {
  constructor(ctx, el, fleet, { everyMs = 10000 } = {}) {
    this.ctx = ctx;
    this.el = el;
    this.fleet = fleet;
    this.everyMs = everyMs;
    this.alarms = new Map();
    this.stream = null;
  }

  async start() {
    onLangChange(() => this.render());
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.everyMs);
  }

  async refresh() {
    this.listen();
    try {
      const { alarms } = await api('/alarms');
      this.alarms = new Map(alarms.map((a) => [a.id, a]));
    } catch {
      // keep what the stream told; the next poll tries again
    }
    this.render();
  }

  /** Hooks the fleet view's EventSource (a new one after each reconnect). */
  listen() {
    const es = this.fleet?.es;
    if (!es || es === this.stream) return;
    this.stream = es;
    es.addEventListener('alarm', (ev) => {
      const a = JSON.parse(ev.data);
      if (a.active) this.alarms.set(a.id, a);
      else this.alarms.delete(a.id);
      this.render();
    });
  }

  render() {
    const list = [...this.alarms.values()].sort((a, b) => Number(b.urgent) - Number(a.urgent) || (a.raisedAt < b.raisedAt ? 1 : -1));
    this.el.dataset.count = String(list.length);
    const name = (a) => (getLang() === 'zh' ? a.nameZh : a.nameEn);
    const badges = list.map((a) => `<button type="button" class="alarm-badge${a.urgent ? ' urgent' : ''}" data-alarm="${a.id}" data-code="${esc(a.code)}" data-unit="${esc(a.unitId)}"
      title="${esc(new Date(a.raisedAt).toLocaleString())}">${esc(a.unitId)} · ${esc(name(a))} · ${esc(new Date(a.raisedAt).toLocaleTimeString())}</button>`);
    this.el.innerHTML = `<div class="ops-title">${esc(t('alarm.title'))}
      ${list.length ? `<span class="badge${list.some((a) => a.urgent) ? ' urgent' : ' warn'}">${list.length}</span>` : `<span class="hint">${esc(t('none'))}</span>`}</div>
      <div class="alarm-list">${badges.join('')}</div>`;
    for (const b of this.el.querySelectorAll('button.alarm-badge')) {
      b.addEventListener('click', () => {
        const a = this.alarms.get(Number(b.dataset.alarm));
        if (a && a.lat !== null && a.lon !== null) this.ctx.map.setView([a.lat, a.lon], Math.max(this.ctx.map.getZoom(), 15));
      });
    }
  }
}
