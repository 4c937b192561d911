/** Small helpers shared by the views. */
export class HttpError extends Error {
  constructor(status, body) {
    super((body && (body.message || body.code)) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

// ------------------------------------------------------------------------------------- login
// People log in with their account: the server sets an HttpOnly session cookie that the browser sends
// with every same-origin request (and the event stream); no script here ever sees it. Machines' API keys
// still work: from the link the demo prints (#key=…, a fragment: never sent to the server) or the key
// form; a key lives in sessionStorage (this tab only) and goes as Authorization: Bearer.
const KEY_STORE = 'rc.apiKey';
let loginShown = null;
let passwordShown = null;

export const apiKey = () => sessionStorage.getItem(KEY_STORE);

/** Takes `#key=…` out of the address (history.replaceState) into sessionStorage. */
export function takeKeyFromUrl() {
  const m = /^#(?:.*&)?key=([^&]+)/.exec(location.hash);
  if (!m) return;
  sessionStorage.setItem(KEY_STORE, decodeURIComponent(m[1]));
  history.replaceState(null, '', location.pathname + location.search);
}

const L = {
  zh: { title: '登录', user: '用户名', pass: '密码', code: '动态验证码（6 位）', ok: '登录', key: '使用 API 密钥', account: '使用账号登录', change: '修改密码', current: '当前密码', next: '新密码', again: '再次输入新密码', mismatch: '两次输入的新密码不一致', rule: '至少 10 个字符，包含小写字母、大写字母、数字、符号中的至少三类，不得包含用户名。', logout: '退出' },
  en: { title: 'Log in', user: 'Username', pass: 'Password', code: 'Authenticator code (6 digits)', ok: 'Log in', key: 'Use an API key', account: 'Log in with an account', change: 'Change password', current: 'Current password', next: 'New password', again: 'New password again', mismatch: 'The new passwords differ', rule: 'At least 10 characters, three of: lower case, upper case, digits, symbols; not containing the username.', logout: 'Log out' },
};
const tr = (k) => (localStorage.getItem('rc.lang') === 'en' ? L.en : L.zh)[k];

function overlay(id, html) {
  const form = document.createElement('form');
  form.id = id;
  form.className = 'overlay';
  form.innerHTML = `<div class="login-box">${html}</div>`;
  document.body.append(form);
  return form;
}

function showError(form, message) {
  const p = form.querySelector('p.msg');
  p.textContent = message ?? '';
  p.hidden = !message;
}

/**
 * The login form (once, however many requests wait): username and password by default, an API key on
 * request. Resolves when the server accepted an account (cookie set) or a key was entered.
 */
export function login(message, mode = 'account') {
  loginShown ??= new Promise((resolve) => {
    const form = overlay('login', `<h2>${tr('title')}</h2><p class="msg error" hidden></p>
      <div class="by-account"><input name="username" autocomplete="username" placeholder="${tr('user')}" aria-label="${tr('user')}">
      <input name="password" type="password" autocomplete="current-password" placeholder="${tr('pass')}" aria-label="${tr('pass')}">
      <input name="totp" inputmode="numeric" autocomplete="one-time-code" placeholder="${tr('code')}" aria-label="${tr('code')}" hidden></div>
      <div class="by-key" hidden><input name="key" type="password" autocomplete="off" placeholder="rc_…" aria-label="API key"></div>
      <button type="submit">${tr('ok')}</button> <button type="button" class="link" data-toggle>${tr('key')}</button>`);
    showError(form, message);
    let byKey = false;
    const toggle = form.querySelector('[data-toggle]');
    const show = (key) => {
      byKey = key;
      form.querySelector('.by-account').hidden = byKey;
      form.querySelector('.by-key').hidden = !byKey;
      toggle.textContent = byKey ? tr('account') : tr('key');
    };
    toggle.addEventListener('click', () => {
      show(!byKey);
      (byKey ? form.key : form.username).focus();
    });
    show(mode === 'key');
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (byKey) {
        sessionStorage.setItem(KEY_STORE, form.key.value.trim());
      } else {
        const totp = form.totp.hidden ? undefined : form.totp.value.trim();
        const res = await fetch('/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: form.username.value.trim(), password: form.password.value, ...(totp ? { totp } : {}) }) });
        const body = await res.json().catch(() => null);
        if (!res.ok) {
          // an account with the second factor: ask for the code, then send it with the password
          if (body?.code === 'TOTP_REQUIRED') {
            form.totp.hidden = false;
            form.totp.focus();
          }
          return showError(form, body?.message ?? `HTTP ${res.status}`);
        }
        sessionStorage.removeItem(KEY_STORE);
        if (body.mustChangePassword) await changePassword();
      }
      form.remove();
      loginShown = null;
      showLogout();
      resolve();
    });
    (byKey ? form.key : form.username).focus();
  });
  return loginShown;
}

/** The change-password form, required at first login, after a reset and when the password is too old. */
export function changePassword(message) {
  passwordShown ??= new Promise((resolve) => {
    const form = overlay('password', `<h2>${tr('change')}</h2><p class="msg error" hidden></p><p class="hint">${tr('rule')}</p>
      <input name="current" type="password" autocomplete="current-password" placeholder="${tr('current')}" aria-label="${tr('current')}" required>
      <input name="next" type="password" autocomplete="new-password" placeholder="${tr('next')}" aria-label="${tr('next')}" required>
      <input name="again" type="password" autocomplete="new-password" placeholder="${tr('again')}" aria-label="${tr('again')}" required>
      <button type="submit">OK</button>`);
    showError(form, message);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (form.next.value !== form.again.value) return showError(form, tr('mismatch'));
      const res = await fetch('/auth/password', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ currentPassword: form.current.value, newPassword: form.next.value }) });
      if (!res.ok) return showError(form, (await res.json().catch(() => null))?.message ?? `HTTP ${res.status}`);
      form.remove();
      passwordShown = null;
      resolve();
    });
    form.current.focus();
  });
  return passwordShown;
}

/** A logout button in the header while a person is logged in (not for an API key). */
function showLogout() {
  if (apiKey() || document.getElementById('logout')) return;
  const b = document.createElement('button');
  b.id = 'logout';
  b.type = 'button';
  b.textContent = tr('logout');
  b.addEventListener('click', async () => {
    await fetch('/auth/logout', { method: 'POST' });
    location.reload();
  });
  document.querySelector('header').append(b);
}

/** Before the first request: a key from the link, or a live session (cookie), or the login form. */
export async function ensureKey() {
  if (apiKey()) return;
  const me = await fetch('/auth/session').then((r) => r.json()).catch(() => null);
  if (!me?.loggedIn) return login();
  if (me.mustChangePassword) await changePassword();
  showLogout();
}

/** Same-origin request (key as a header, or the session cookie); 401 brings the login back, 403 PASSWORD_CHANGE_REQUIRED the password form. */
async function call(path, { method = 'GET', body } = {}) {
  for (;;) {
    const headers = {};
    const key = apiKey();
    if (key) headers.Authorization = `Bearer ${key}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 403) {
      const data = await res.clone().json().catch(() => null);
      if (data?.code === 'PASSWORD_CHANGE_REQUIRED') {
        await changePassword();
        continue;
      }
    }
    if (res.status !== 401) return res;
    sessionStorage.removeItem(KEY_STORE);
    // a refused key brings back the key form; an ended session the account form
    await login((await res.json().catch(() => null))?.message ?? 'HTTP 401', key ? 'key' : 'account');
  }
}

async function parse(res) {
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text };
  }
  if (!res.ok) throw new HttpError(res.status, data);
  return data;
}

/** Same-origin JSON request; a non-2xx answer throws HttpError with the parsed body. */
export async function api(path, opts = {}) {
  return parse(await call(path, opts));
}

/** A download (CSV, …): fetched with the key, handed to the browser as a file. */
export async function download(path, filename) {
  const res = await call(path);
  if (!res.ok) return parse(res);
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return null;
}

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ESC[c]);

/** Seconds as m:ss (or h:mm:ss). */
export function dur(s) {
  if (s === null || s === undefined || !Number.isFinite(s)) return '—';
  const v = Math.round(s);
  const h = Math.floor(v / 3600);
  const m = Math.floor((v % 3600) / 60);
  const ss = String(v % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export const km = (m) => (m === null || m === undefined || !Number.isFinite(m) ? '—' : `${(m / 1000).toFixed(m < 10000 ? 2 : 1)} km`);
export const pct = (r) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);

/** A Date as the value of <input type="datetime-local"> in local time. */
export function toLocalInput(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function h(tag, attrs = {}, html = '') {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  if (html) el.innerHTML = html;
  return el;
}
