// HTTP and WebSocket access to the bridge for the logged-in user (a bearer token per browser tab).

const KEY = "pgchatter.login";

export const session = {
  get login() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch { return null; }
  },
  set login(value) {
    if (value) sessionStorage.setItem(KEY, JSON.stringify(value));
    else sessionStorage.removeItem(KEY);
  },
};

export const OFFLINE = "Can't reach the server — retrying";
export const NOT_SENT = "Can't reach the server — not sent; try again once it is back";

/** "body.amount_total" -> "amount total": the field a 422 names, in words. */
export function fieldName(field) {
  return String(field || "").replace(/^(body|query|path)\./, "").replace(/[._]+/g, " ").trim();
}

/** An error body in words: a 422 lists its fields ({detail, errors: [{field, message}]}), never raw JSON. */
function errorText(status, body) {
  const detail = body && body.detail;
  if (body && Array.isArray(body.errors) && body.errors.length) {
    return body.errors.map((e) => `${fieldName(e.field)}: ${e.message}`).join("; ");
  }
  if (Array.isArray(detail)) {   // FastAPI's own shape, from a route that raised it by hand
    return detail.map((e) => `${fieldName((e.loc || []).join("."))}: ${e.msg || "invalid value"}`).join("; ");
  }
  if (typeof detail === "string") return detail;
  if (status === 0) return OFFLINE;
  if (status >= 500) return `The server had a problem (HTTP ${status}); try again shortly`;
  return `The request was refused (HTTP ${status})`;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(errorText(status, body));
    this.status = status;
    this.code = body && body.code;
    this.fields = body && Array.isArray(body.errors) ? body.errors : [];   // [{field, message}]
  }
}

// Network failures: a GET is retried (the server restarting, the Wi-Fi gone) while the "offline" banner
// says so; a write is not repeated behind the user's back, it fails with the same words.
const offlineListeners = new Set();
let down = false;
export function onOffline(listener) { offlineListeners.add(listener); }
function offline(now) {
  if (now === down) return;
  down = now;
  for (const listener of offlineListeners) listener(now);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function api(path, { method = "GET", json, form, query } = {}) {
  const login = session.login;
  const headers = {};
  if (login) headers.Authorization = `Bearer ${login.token}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null) url.searchParams.set(k, v);
  let answer;
  for (let attempt = 0; ; attempt++) {
    try {
      answer = await fetch(url, { method, headers, body });
      offline(false);
      break;
    } catch {
      offline(true);
      if (method !== "GET") throw new ApiError(0, { detail: NOT_SENT });
      if (attempt >= 20) throw new ApiError(0, null);
      await sleep(Math.min(500 * 2 ** attempt, 5000));
    }
  }
  if (answer.status === 204) return null;
  const data = answer.headers.get("content-type")?.includes("json") ? await answer.json() : null;
  if (!answer.ok) throw new ApiError(answer.status, data);
  return data;
}

/** Saves an attachment: fetched with the bearer header (a plain link would need the token in its URL). */
export async function download(attachmentId, name) {
  const login = session.login;
  const answer = await fetch(`/api/attachments/${attachmentId}`,
    { headers: login ? { Authorization: `Bearer ${login.token}` } : {} });
  if (!answer.ok) throw new ApiError(answer.status, null);
  const url = URL.createObjectURL(await answer.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const imageUrls = new Map();

/** An object URL of a stored file (an email's inline image), fetched once with the user's token. */
export function attachmentUrl(attachmentId) {
  if (!imageUrls.has(attachmentId)) {
    const login = session.login;
    imageUrls.set(attachmentId, fetch(`/api/attachments/${attachmentId}`,
      { headers: login ? { Authorization: `Bearer ${login.token}` } : {} })
      .then((answer) => {
        if (!answer.ok) throw new ApiError(answer.status, null);
        return answer.blob();
      })
      .then((blob) => URL.createObjectURL(blob))
      .catch((err) => { imageUrls.delete(attachmentId); throw err; }));
  }
  return imageUrls.get(attachmentId);
}

/** /api/ws with reconnects: re-watches records and catches up by id after a drop. */
export class Live {
  constructor(onFrame, onState) {
    this.onFrame = onFrame;
    this.onState = onState || (() => {});
    this.watching = new Set();
    this.lastMessage = 0;
    this.lastNotification = 0;
    this.lastEvent = 0;
    this.helloSeen = false;
    this.delay = 500;
    this.closed = false;
  }

  start() {
    const login = session.login;
    const proto = window.location.protocol === "https:" ? "wss" : "ws";
    // The token goes in the first frame, not the URL (kept out of access logs).
    this.ws = new WebSocket(`${proto}://${window.location.host}/api/ws`);
    this.ws.onmessage = (event) => this.received(JSON.parse(event.data));
    this.ws.onopen = () => {
      this.delay = 500;
      this.ws.send(JSON.stringify({ type: "auth", token: login.token }));
    };
    this.ws.onclose = (event) => {
      this.onState(false);
      if (event.code === 4401) this.closed = true;   // token refused: reconnecting will not help
      if (!this.closed) setTimeout(() => this.start(), this.delay = Math.min(this.delay * 2, 10000));
    };
  }

  stop() {
    this.closed = true;
    if (this.ws) this.ws.close();
  }

  send(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  watch(model, document) {
    const key = `${model}/${document}`;
    if (this.watching.has(key)) return;
    this.watching.add(key);
    this.send({ type: "watch", model, document });
  }

  unwatchAll() {
    for (const key of this.watching) {
      const i = key.lastIndexOf("/");
      this.send({ type: "unwatch", model: key.slice(0, i), document: Number(key.slice(i + 1)) });
    }
    this.watching.clear();
  }

  received(frame) {
    if (frame.type === "hello") {
      for (const key of this.watching) {
        const i = key.lastIndexOf("/");
        this.ws.send(JSON.stringify({ type: "watch", model: key.slice(0, i), document: Number(key.slice(i + 1)) }));
      }
      if (this.helloSeen) {
        this.ws.send(JSON.stringify({ type: "catch_up", after_message: this.lastMessage,
          after_notification: this.lastNotification, after_event: this.lastEvent }));
      } else {
        this.lastMessage = frame.last_message_id;
        this.lastNotification = frame.last_notification_id;
        this.lastEvent = frame.last_event_id || 0;
      }
      this.helloSeen = true;
      this.onState(true);
      return;
    }
    const data = frame.data || {};
    if (data.message_id && data.kind !== "message") this.lastMessage = Math.max(this.lastMessage, data.message_id);
    if (data.notification_id) this.lastNotification = Math.max(this.lastNotification, data.notification_id);
    // Edits, deletes and reactions missed while away are replayed after the last change seen.
    if (data.event_id) this.lastEvent = Math.max(this.lastEvent, data.event_id);
    if (frame.type === "caught_up") {
      this.lastMessage = Math.max(this.lastMessage, frame.last_message_id);
      this.lastNotification = Math.max(this.lastNotification, frame.last_notification_id);
      if (frame.last_event_id !== undefined) this.lastEvent = Math.max(this.lastEvent, frame.last_event_id);
    }
    this.onFrame(frame);
  }
}
