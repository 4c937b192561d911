import { onLangChange, t } from './i18n.js';
import { api, esc } from './util.js';

/**
 * Dispatch orders sent down to the vehicles (issue 12), on every view: each active task's order with
 * its state — acknowledged by the terminal (收到指令), or not yet, with how often it was sent (the
 * server resends while the unit is away). From GET /orders/active, refreshed every few seconds.
 */
export class OrdersPanel {
  constructor(el, { everyMs = 5000 } = {}) {
    this.el = el;
    this.everyMs = everyMs;
    this.orders = [];
    this.error = null;
  }

  async start() {
    onLangChange(() => this.render());
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.everyMs);
  }

  async refresh() {
    try {
      this.orders = (await api('/orders/active')).orders;
      this.error = null;
    } catch (e) {
      this.error = e.message;
    }
    this.render();
  }

  stateOf(o) {
    if (o.state === 'acknowledged') return { key: 'acknowledged', text: `${t('order.acknowledged')} (${t(`order.by.${o.acknowledgedBy}`)})` };
    if (o.attempts === 0) return { key: 'unsent', text: t('order.unsent') };
    return { key: 'undelivered', text: `${t('order.undelivered')} · ${t('order.sent')} ${o.attempts} ${t('order.times')}` };
  }

  render() {
    const open = this.orders.filter((o) => o.state !== 'acknowledged').length;
    this.el.dataset.undelivered = String(open);
    if (this.orders.length === 0 && !this.error) {
      this.el.innerHTML = `<div class="ops-title">${esc(t('order.title'))} <span class="hint">${esc(t('none'))}</span></div>`;
      return;
    }
    const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '—');
    const rows = this.orders.map((o) => {
      const s = this.stateOf(o);
      const retries = Math.max(0, o.attempts - 1);
      return `<tr data-task="${esc(o.taskId)}" data-order-state="${s.key}" class="order-${s.key}">
        <td title="${esc(o.taskId)}">${esc(o.taskId.slice(0, 8))}</td><td>${esc(o.unitId)}</td><td>${esc(s.text)}</td>
        <td class="num">${retries}</td><td>${esc(time(o.state === 'acknowledged' ? o.acknowledgedAt : o.lastSentAt))}</td></tr>`;
    });
    this.el.innerHTML = `
      <div class="ops-title">${esc(t('order.title'))}
        ${open > 0 ? `<span class="badge warn" data-count="${open}">${open} ${esc(t('order.undelivered'))}</span>` : ''}</div>
      ${this.error ? `<div class="msg error">${esc(this.error)}</div>` : ''}
      <table class="orders"><thead><tr><th>${esc(t('task'))}</th><th>${esc(t('unit'))}</th><th>${esc(t('status'))}</th>
        <th class="num">${esc(t('order.retries'))}</th><th>${esc(t('order.at'))}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  }
}
