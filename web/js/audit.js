import { addLabels, applyStatic, onLangChange, t } from './i18n.js';
import { api, download, esc, toLocalInput } from './util.js';

addLabels({
  auditTrail: '审计记录', auditActor: '操作者', auditSubject: '对象', auditAction: '操作', auditAt: '时间', auditDetail: '详情',
  auditFilter: '筛选', auditOlder: '更早的记录', auditExport: '导出 CSV', auditFrom: '从', auditTo: '至', auditNone: '没有符合条件的记录。',
  auditHint: '审计管理员只能查看和导出审计记录（三员分立），记录不可修改或删除。',
}, {
  auditTrail: 'Audit trail', auditActor: 'Actor', auditSubject: 'Subject', auditAction: 'Action', auditAt: 'Time', auditDetail: 'Detail',
  auditFilter: 'Filter', auditOlder: 'Older records', auditExport: 'Export CSV', auditFrom: 'From', auditTo: 'To', auditNone: 'No record matches.',
  auditHint: 'The audit administrator can only read and export the trail (separation of duties); records cannot be changed or deleted.',
});

const PAGE = 100;

/** A Date as the value of <input type="date"> in local time (the date part of datetime-local's). */
const day = (d) => toLocalInput(d).slice(0, 10);

/**
 * The audit administrator's console (role `auditor`): the append-only trail, newest first, filtered by
 * actor or subject, paged back by id, and the CSV export for the assessor. The server refuses this role
 * everything else, so this is all the auditor's console shows.
 */
export class AuditView {
  constructor(root) {
    this.root = root;
    this.records = [];
    this.exhausted = false;
    onLangChange(() => this.render());
  }

  async start() {
    const today = new Date();
    this.root.innerHTML = `
      <h2 data-i18n="auditTrail"></h2>
      <p class="hint" data-i18n="auditHint"></p>
      <form id="audit-filter" class="form">
        <label><span data-i18n="auditActor"></span> <input name="actor" placeholder="user:…, key:…"></label>
        <label><span data-i18n="auditSubject"></span> <input name="subject" placeholder="task:…, unit:…"></label>
        <button type="submit" class="act" data-i18n="auditFilter"></button>
      </form>
      <form id="audit-export" class="form">
        <label><span data-i18n="auditFrom"></span> <input type="date" name="from" value="${day(new Date(today.getTime() - 30 * 86_400_000))}" required></label>
        <label><span data-i18n="auditTo"></span> <input type="date" name="to" value="${day(today)}" required></label>
        <button type="submit" class="sec" data-i18n="auditExport"></button>
      </form>
      <div id="audit-msg"></div>
      <table class="audit"><thead><tr><th data-i18n="auditAt"></th><th data-i18n="auditActor"></th><th data-i18n="auditAction"></th><th data-i18n="auditSubject"></th><th data-i18n="auditDetail"></th></tr></thead><tbody></tbody></table>
      <button id="audit-older" class="sec" data-i18n="auditOlder"></button>`;
    this.root.querySelector('#audit-filter').addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.load(true).catch((e) => this.fail(e));
    });
    this.root.querySelector('#audit-export').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const f = new FormData(ev.target);
      // whole local days, the last one included: the server's `to` is exclusive
      const from = new Date(`${f.get('from')}T00:00`);
      const to = new Date(`${f.get('to')}T00:00`);
      to.setDate(to.getDate() + 1);
      const q = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
      download(`/audit/export?${q}`, `audit-${f.get('from')}-${f.get('to')}.csv`).catch((e) => this.fail(e));
    });
    this.root.querySelector('#audit-older').addEventListener('click', () => this.load(false).catch((e) => this.fail(e)));
    await this.load(true);
  }

  /** First page (fresh) or the page before the oldest record shown. The API answers oldest first. */
  async load(fresh) {
    const f = new FormData(this.root.querySelector('#audit-filter'));
    const q = new URLSearchParams({ limit: String(PAGE) });
    for (const k of ['actor', 'subject']) if (f.get(k)) q.set(k, String(f.get(k)).trim());
    if (!fresh && this.records.length > 0) q.set('before', String(this.records[this.records.length - 1].id));
    const { records } = await api(`/audit?${q}`);
    const newestFirst = records.slice().reverse();
    this.records = fresh ? newestFirst : [...this.records, ...newestFirst];
    this.exhausted = records.length < PAGE;
    const msg = this.root.querySelector('#audit-msg');
    msg.className = '';
    msg.textContent = '';
    this.render();
  }

  fail(e) {
    const msg = this.root.querySelector('#audit-msg');
    msg.className = 'msg error';
    msg.textContent = e.message;
  }

  render() {
    applyStatic(this.root);
    const body = this.root.querySelector('tbody');
    if (!body) return;
    body.innerHTML = this.records.length === 0
      ? `<tr><td colspan="5">${esc(t('auditNone'))}</td></tr>`
      : this.records.map((r) => `<tr data-id="${esc(r.id)}"><td>${esc(new Date(r.at).toLocaleString())}</td><td>${esc(r.actor)}</td><td>${esc(r.action)}</td><td>${esc(r.subject)}</td><td>${esc(r.detail === null || r.detail === undefined ? '' : JSON.stringify(r.detail))}</td></tr>`).join('');
    this.root.querySelector('#audit-older').hidden = this.exhausted;
    this.root.dataset.count = String(this.records.length);
  }
}
