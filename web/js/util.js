/** Small helpers shared by the views. */
export class HttpError extends Error {
  constructor(status, body) {
    super((body && (body.message || body.code)) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

// ------------------------------------------------------------------------------------- API key
// The key comes from the link the demo prints (#key=…, a fragment: never sent to the server) or from
// the login form; it lives in sessionStorage (this tab only, gone when it closes), never in a cookie.
const KEY_STORE = 'rc.apiKey';
let loginShown = null;

export const apiKey = () => sessionStorage.getItem(KEY_STORE);

/** Takes `#key=…` out of the address (history.replaceState) into sessionStorage. */
export function takeKeyFromUrl() {
  const m = /^#(?:.*&)?key=([^&]+)/.exec(location.hash);
  if (!m) return;
  sessionStorage.setItem(KEY_STORE, decodeURIComponent(m[1]));
  history.replaceState(null, '', location.pathname + location.search);
}

/** Shows the login form (once, however many requests wait) and resolves when a key is entered. */
export function login(message) {
  loginShown ??= new Promise((resolve) => {
    const form = document.createElement('form');
    form.id = 'login';
    form.innerHTML = `<div class="login-box"><h2>API key</h2><p class="msg error" ${message ? '' : 'hidden'}></p>
      <input name="key" type="password" autocomplete="off" required placeholder="rc_…" aria-label="API key">
      <button type="submit">OK</button></div>`;
    form.querySelector('p').textContent = message ?? '';
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(KEY_STORE, form.key.value.trim());
      form.remove();
      loginShown = null;
      resolve();
    });
    document.body.append(form);
    form.key.focus();
  });
  return loginShown;
}

/** Asks for a key first if none is stored yet. */
export async function ensureKey() {
  if (!apiKey()) await login();
}

/** Same-origin request with the key; on 401 the login form comes back and the request is retried. */
async function call(path, { method = 'GET', body } = {}) {
  for (;;) {
    const headers = { Authorization: `Bearer ${apiKey() ?? ''}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status !== 401) return res;
    sessionStorage.removeItem(KEY_STORE);
    await login((await res.json().catch(() => null))?.message ?? 'HTTP 401');
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
