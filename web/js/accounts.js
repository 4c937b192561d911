import { getLang, onLangChange } from './i18n.js';
import { api, esc } from './util.js';

// People's accounts for administrators (issue #18): list, add, role, disable/enable, reset password,
// unlock, second factor off. Everything goes through /admin/users (admin only; each change is audited
// with the administrator as actor). One-time passwords are shown once, in the page, never stored.
// As in libs/security/src/roles.ts (an account's role must be among the options, or the list shows another).
const ROLES = ['admin', 'dispatcher', 'planner', 'viewer', 'auditor', 'hospital'];

const L = {
  zh: {
    accounts: '账号管理', add: '新建账号', username: '用户名', role: '角色', centre: '所属中心', state: '状态', actions: '操作', create: '创建',
    active: '正常', disabled: '已停用', locked: '已锁定至', mustChange: '需修改密码', totp: '动态验证码', disable: '停用', enable: '启用',
    reset: '重置密码', unlock: '解锁', totpOff: '关闭动态验证码', oneTime: '一次性密码（仅显示这一次，首次登录须修改）：', none: '还没有账号。',
    roleChanged: '角色已修改', done: '已完成', confirmDisable: '停用该账号并结束其会话？', confirmReset: '重置密码并结束该账号的会话？',
    'role.admin': '系统管理员', 'role.dispatcher': '调度员', 'role.planner': '规划员', 'role.viewer': '只读', 'role.auditor': '审计管理员', 'role.hospital': '接收医院',
    error: '错误', forbidden: '只有系统管理员可以管理账号。',
  },
  en: {
    accounts: 'Accounts', add: 'New account', username: 'Username', role: 'Role', centre: 'Centre', state: 'State', actions: 'Actions', create: 'Create',
    active: 'active', disabled: 'disabled', locked: 'locked until', mustChange: 'must change password', totp: 'TOTP', disable: 'Disable', enable: 'Enable',
    reset: 'Reset password', unlock: 'Unlock', totpOff: 'Turn TOTP off', oneTime: 'One-time password (shown this once; to be changed at first login): ', none: 'No accounts yet.',
    roleChanged: 'Role changed', done: 'Done', confirmDisable: 'Disable this account and end its sessions?', confirmReset: 'Reset the password and end this account\'s sessions?',
    'role.admin': 'administrator', 'role.dispatcher': 'dispatcher', 'role.planner': 'planner', 'role.viewer': 'viewer', 'role.auditor': 'auditor', 'role.hospital': 'receiving hospital',
    error: 'Error', forbidden: 'Only administrators manage accounts.',
  },
};
const tr = (k) => L[getLang()][k] ?? L.zh[k] ?? k;
const user = (name) => `/admin/users/${encodeURIComponent(name)}`;

export class AccountsView {
  constructor(ctx, root, tab) {
    this.ctx = ctx;
    this.root = root;
    this.users = null;
    this.message = null;
    // The tab shows for administrators only (a session's or a key's role).
    api('/auth/me').then((me) => (tab.hidden = me.role !== 'admin')).catch(() => undefined);
    onLangChange(() => this.render());
    this.render();
  }

  activate() {
    this.load();
  }

  async load() {
    try {
      this.users = (await api('/admin/users')).users;
    } catch (err) {
      this.users = null;
      this.message = { kind: 'error', text: err.status === 403 ? tr('forbidden') : `${tr('error')}: ${err.message}` };
    }
    this.render();
  }

  /** Runs one change, shows its outcome (with a one-time password if the answer carries one), reloads. */
  async act(fn, ok) {
    try {
      const r = await fn();
      this.message = r?.initialPassword ? { kind: 'ok', text: `${ok}. ${tr('oneTime')}`, secret: r.initialPassword } : { kind: 'ok', text: ok };
    } catch (err) {
      this.message = { kind: 'error', text: `${tr('error')}: ${err.message}` };
    }
    await this.load();
  }

  render() {
    const roleOptions = (sel) => ROLES.map((r) => `<option value="${r}"${r === sel ? ' selected' : ''}>${esc(tr(`role.${r}`))}</option>`).join('');
    const m = this.message;
    const msg = m ? `<div class="msg ${m.kind}" id="acct-msg">${esc(m.text)}${m.secret ? `<code class="secret">${esc(m.secret)}</code>` : ''}</div>` : '';
    const state = (u) => [
      u.disabledAt ? tr('disabled') : tr('active'),
      u.lockedUntil ? `${tr('locked')} ${new Date(u.lockedUntil).toLocaleString()}` : '',
      u.mustChangePassword ? tr('mustChange') : '',
      u.totp ? tr('totp') : '',
    ].filter(Boolean).map(esc).join(' · ');
    const rows = (this.users ?? []).map((u) => `<tr data-user="${esc(u.username)}">
        <td>${esc(u.username)}</td>
        <td><select data-role aria-label="${esc(tr('role'))}">${roleOptions(u.role)}</select></td>
        <td>${esc(u.centre ?? '')}</td>
        <td>${state(u)}</td>
        <td class="acct-actions">
          <button type="button" class="act" data-do="${u.disabledAt ? 'enable' : 'disable'}">${esc(tr(u.disabledAt ? 'enable' : 'disable'))}</button>
          <button type="button" class="act" data-do="reset">${esc(tr('reset'))}</button>
          ${u.lockedUntil ? `<button type="button" class="act" data-do="unlock">${esc(tr('unlock'))}</button>` : ''}
          ${u.totp ? `<button type="button" class="act" data-do="totp-off">${esc(tr('totpOff'))}</button>` : ''}
        </td></tr>`).join('');
    this.root.innerHTML = `
      <h2>${esc(tr('accounts'))}</h2>
      ${msg}
      <form class="form" id="acct-add">
        <strong>${esc(tr('add'))}</strong>
        <label>${esc(tr('username'))} <input name="username" required autocomplete="off"></label>
        <label>${esc(tr('role'))} <select name="role">${roleOptions('dispatcher')}</select></label>
        <label>${esc(tr('centre'))} <input name="centre" autocomplete="off"></label>
        <button class="act" type="submit">${esc(tr('create'))}</button>
      </form>
      ${this.users === null ? '' : this.users.length === 0 ? `<p>${esc(tr('none'))}</p>` : `<table id="acct-table">
        <thead><tr><th>${esc(tr('username'))}</th><th>${esc(tr('role'))}</th><th>${esc(tr('centre'))}</th><th>${esc(tr('state'))}</th><th>${esc(tr('actions'))}</th></tr></thead>
        <tbody>${rows}</tbody></table>`}`;
    this.root.querySelector('#acct-add').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const f = ev.currentTarget;
      const body = { username: f.username.value.trim(), role: f.role.value, ...(f.centre.value.trim() ? { centre: f.centre.value.trim() } : {}) };
      this.act(() => api('/admin/users', { method: 'POST', body }), `${body.username}: ${tr('done')}`);
    });
    for (const tr_ of this.root.querySelectorAll('tr[data-user]')) {
      const name = tr_.dataset.user;
      tr_.querySelector('[data-role]').addEventListener('change', (ev) =>
        this.act(() => api(user(name), { method: 'PATCH', body: { role: ev.currentTarget.value } }), `${name}: ${tr('roleChanged')}`));
      for (const b of tr_.querySelectorAll('button[data-do]')) b.addEventListener('click', () => this.run(name, b.dataset.do));
    }
  }

  run(name, what) {
    const done = `${name}: ${tr('done')}`;
    if (what === 'disable') {
      if (!confirm(tr('confirmDisable'))) return;
      return this.act(() => api(user(name), { method: 'PATCH', body: { disabled: true } }), done);
    }
    if (what === 'enable') return this.act(() => api(user(name), { method: 'PATCH', body: { disabled: false } }), done);
    if (what === 'reset') {
      if (!confirm(tr('confirmReset'))) return;
      return this.act(() => api(`${user(name)}/password-reset`, { method: 'POST' }), done);
    }
    if (what === 'unlock') return this.act(() => api(`${user(name)}/unlock`, { method: 'POST' }), done);
    if (what === 'totp-off') return this.act(() => api(`${user(name)}/totp`, { method: 'DELETE' }), done);
  }
}
