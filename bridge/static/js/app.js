// The page: pick a demo user, then Sales (records with their chatter), Discuss (chat) and the Mailbox;
// the bell, the activity counter and toasts in the top bar; everything live over /api/ws.

import { api, Live, OFFLINE, onOffline, session } from "./api.js";
import { append, avatar, clear, countLabel, h, icon, stamp } from "./dom.js";
import { state, bus } from "./state.js";
import { renderOrders, renderOrder } from "./records.js";
import { channelLabel, isOpen, renderDiscuss, refreshChannels } from "./discuss.js";
import { renderMailbox } from "./mailbox.js";
import { renderStarred } from "./lifecycle.js";
import { enablePush, pushEnabled, pushSupported } from "./push.js";

const root = document.getElementById("app");

/** A toast: title, body, and where it happened (context: text, or a promise of it: "on S00012"). */
export function toast(title, body, { kind = "info", onclick, context } = {}) {
  const box = document.getElementById("toasts");
  const where = h("div.toast-context", { hidden: true });
  const el = h(`div.toast.toast-${kind}`, { role: "status", onclick: () => { el.remove(); if (onclick) onclick(); } },
    h("div.toast-title", title), where, body ? h("div.toast-body", body) : null);
  Promise.resolve(context).then((text) => { if (text) { where.textContent = text; where.hidden = false; } }).catch(() => {});
  box.append(el);
  setTimeout(() => el.remove(), 8000);
}
state.toast = toast;

window.addEventListener("unhandledrejection", (event) => {
  const err = event.reason;
  if (err && err.status === 0 && err.message === OFFLINE) return;   // the banner says so already
  toast("Error", err && err.message ? err.message : String(err), { kind: "error" });
});

// --- where a notification happened: a record's display name or a channel ---------------------------

const labels = new Map();
/** "S00012" for a record the user may read (GET /api/records/{model}/{document}), cached. */
function recordLabel(model, document) {
  const key = `${model}/${document}`;
  if (!labels.has(key)) {
    labels.set(key, api(`/api/records/${encodeURIComponent(model)}/${document}`).then((r) => r.label)
      .catch(() => `${model} #${document}`));
  }
  return labels.get(key);
}

/** "on S00012" / "in #general": from the payload (channel_id and channel_name when the payload carries
 *  them), else the record, else the message (a chat mention from before payloads carried the channel). */
async function contextOf(p) {
  if (!p) return null;
  if (p.channel_kind === "Direct") return "Direct message";
  if (p.channel_id) return `in ${p.channel_name ? `#${p.channel_name}` : channelLabel(p.channel_id)}`;
  if (p.model && p.document) return `on ${await recordLabel(p.model, p.document)}`;
  if (p.message_id) {
    const m = await api(`/api/messages/${p.message_id}`).catch(() => null);
    if (m && m.channel_id) return `in ${channelLabel(m.channel_id)}`;
  }
  return null;
}

function showBanner() {
  const banner = document.getElementById("connection-banner");
  if (!banner) return;
  const text = connection.http ? OFFLINE : connection.ws ? "Reconnecting…" : "";
  banner.textContent = text;
  banner.hidden = !text;
}
const connection = { http: false, ws: false };
onOffline((down) => { connection.http = down; showBanner(); });

// --- log in as a demo user -------------------------------------------------------------------------

async function renderLogin() {
  clear(root);
  let logins = [];
  try {
    logins = await api("/api/demo/logins");
  } catch {
    root.append(h("div.login", h("h1", "pgchatter"),
      h("p", "The demo user picker is off (start the bridge with CHATTER_DEMO=1, as make run does).")));
    return;
  }
  root.append(h("div.login",
    h("div.login-card",
      h("h1", h("span.logo", "pg"), "chatter"),
      h("p.muted", "The chatter of an ERP, built inside PostgreSQL. Log in as:"),
      h("div.login-users", logins.map((u) =>
        h("button.login-user", { type: "button", dataset: { username: u.username }, onclick: () => {
          session.login = { token: u.token, username: u.username };
          start();
        } }, avatar(u.name, u.id), h("span", h("b", u.name), h("small", `@${u.username}`))))),
      h("p.muted.small", "Open another browser window as someone else to see messages arrive live."))));
}

// --- the shell: top bar, bell, activities ----------------------------------------------------------

function navLink(label, hash, extra) {
  return h("a.nav-link", { href: hash, dataset: { nav: hash.split("/")[1] } }, label, extra || null);
}

async function refreshBell() {
  const { count } = await api("/api/inbox/count");
  const badge = document.getElementById("bell-count");
  badge.textContent = countLabel(count);
  badge.hidden = count === 0;
  document.body.dataset.bell = count;
}

async function refreshActivityCounter() {
  const c = await api("/api/activities/counts");
  const badge = document.getElementById("activity-count");
  const n = c.overdue + c.today;
  badge.textContent = n;
  badge.hidden = n === 0;
  badge.classList.toggle("late", c.overdue > 0);
}
bus.addEventListener("activities-changed", () => refreshActivityCounter());

async function openPayload(p) {
  if (!p) return;
  if (p.channel_id) { window.location.hash = `#/discuss/${p.channel_id}`; return; }
  if (p.model === "sale_orders" && p.document) { window.location.hash = `#/orders/${p.document}`; return; }
  if (p.message_id && !p.model) {   // a chat message whose payload does not name its channel
    const m = await api(`/api/messages/${p.message_id}`).catch(() => null);
    if (m && m.channel_id) window.location.hash = `#/discuss/${m.channel_id}`;
  }
}

bus.addEventListener("inbox-changed", () => refreshBell());

async function toggleBell() {
  const panel = document.getElementById("bell-panel");
  if (!panel.hidden) { panel.hidden = true; return; }
  const { notifications } = await api("/api/inbox", { query: { limit: 20 } });
  append(clear(panel), [
    h("div.dropdown-head", h("b", "Notifications"),
      h("button.link", { type: "button", id: "bell-read-all", onclick: async () => {
        await api("/api/inbox/read", { method: "POST", json: {} });
        panel.hidden = true;
        refreshBell();
      } }, "Mark all as read")),
    notifications.length === 0 ? h("div.empty", "No notifications yet.") : null,
    notifications.map((n) => {
      const where = h("div.notification-context.muted", { hidden: true });
      contextOf(n.payload).then((text) => { if (text) { where.textContent = text; where.hidden = false; } });
      return h(`div.notification${n.is_read ? "" : ".unread"}`, { dataset: { id: n.notification_id }, onclick: async () => {
        panel.hidden = true;
        if (!n.is_read) await api("/api/inbox/read", { method: "POST", json: { notification_ids: [n.notification_id] } });
        refreshBell();
        openPayload(n.payload);
      } }, h("div.notification-title", n.payload.title, " · ", stamp(n.created_at)), where,
      h("div.notification-body", n.payload.body));
    })]);
  panel.hidden = false;
}

async function toggleActivities() {
  const panel = document.getElementById("activity-panel");
  if (!panel.hidden) { panel.hidden = true; return; }
  const mine = await api("/api/activities", { query: { mine: true } });
  append(clear(panel), [h("div.dropdown-head", h("b", "My activities")),
    mine.length === 0 ? h("div.empty", "Nothing planned.") : null,
    mine.map((a) => h(`div.notification.state-${a.state}`, { onclick: () => {
      panel.hidden = true;
      if (a.model === "sale_orders") window.location.hash = `#/orders/${a.record}`;
    } }, h("div.notification-title", a.name, h("small.muted", ` · ${a.activity_type_name}`)),
    h("div.notification-body", (() => {
      const text = h("span", `${a.model} #${a.record}`);
      recordLabel(a.model, a.record).then((label) => { text.textContent = label; });
      return [text, ` · due ${a.deadline} (${a.state})`];
    })())))]);
  panel.hidden = false;
}

function shell() {
  clear(root);
  const me = state.me;
  root.append(
    h("header.topbar",
      h("a.brand", { href: "#/orders" }, h("span.logo", "pg"), "chatter"),
      h("nav.nav", navLink("Sales", "#/orders"),
        navLink("Discuss", "#/discuss", h("span.badge#discuss-unread", { hidden: true }, "0")),
        navLink("Mailbox", "#/mailbox"), navLink("Starred", "#/starred")),
      h("div.topbar-right",
        h("span.live#live", { title: "WebSocket" }, "●"),
        h("div.dropdown-wrap",
          h("button.topbar-button#activity-button", { type: "button", title: "Activities", onclick: toggleActivities },
            icon("clock"), h("span.badge#activity-count", { hidden: true }, "0")),
          h("div.dropdown#activity-panel", { hidden: true })),
        h("div.dropdown-wrap",
          h("button.topbar-button#bell", { type: "button", title: "Notifications", onclick: toggleBell },
            icon("bell"), h("span.badge#bell-count", { hidden: true }, "0")),
          h("div.dropdown#bell-panel", { hidden: true })),
        pushButton(),
        h("div.me", { id: "me", dataset: { username: me.username } }, avatar(me.name, me.id), h("span", me.name),
          h("button.link", { type: "button", id: "logout", onclick: () => {
            state.live.stop();
            state.me = null;
            session.login = null;
            window.location.hash = "";
            renderLogin();
          } }, "switch user")))),
    h("div.banner#connection-banner", { role: "status", hidden: true }),
    h("main#view"));
}

// --- routing ---------------------------------------------------------------------------------------

async function route() {
  const main = document.getElementById("view");
  if (!main) return;
  // Each route renders into a fresh container: a slower render of an earlier route finishes into a
  // detached element instead of overwriting this one.
  const view = h("div.view");
  clear(main).append(view);
  const parts = (window.location.hash || "#/orders").slice(2).split("/");
  for (const a of document.querySelectorAll(".nav-link")) a.classList.toggle("active", a.dataset.nav === parts[0]);
  // The previous view's listeners (bus, timers) end here: a view registers them with this signal.
  if (state.view) state.view.abort();
  state.view = new AbortController();
  state.live.unwatchAll();
  state.current = null;
  delete document.body.dataset.watching;
  if (parts[0] === "discuss") await renderDiscuss(view, parts[1] ? Number(parts[1]) : null);
  else if (parts[0] === "mailbox") await renderMailbox(view);
  else if (parts[0] === "starred") await renderStarred(view);
  else if (parts[0] === "orders" && parts[1]) await renderOrder(view, Number(parts[1]));
  else await renderOrders(view);
}

function onFrame(frame) {
  const data = frame.data || {};
  if (frame.type === "watching") {   // the bridge now relays this record's events to us
    document.body.dataset.watching = `${frame.model}/${frame.document}`;
    return;
  }
  if (frame.type === "realtime_data" && data.kind === "channel_message") {
    bus.dispatchEvent(new CustomEvent("channel-message", { detail: data }));
    return;
  }
  if (frame.type === "realtime_data" && data.kind === "channel_message_updated") {   // edited, deleted, reacted
    bus.dispatchEvent(new CustomEvent("channel-message-updated", { detail: data }));
    return;
  }
  if (frame.type !== "activity_update") return;
  if (data.kind === "message") {
    // A message of the conversation on screen is read as it arrives: no toast for it.
    if (!(data.channel_id && isOpen(data.channel_id))) {
      toast(data.title, data.body, { onclick: () => openPayload(data), context: contextOf(data) });
    }
    refreshBell();
  } else if (data.kind === "notification_removed") {   // its message was deleted
    refreshBell();
  } else if (data.kind === "record_message" || data.kind === "record_changed" || data.kind === "record_message_updated") {
    bus.dispatchEvent(new CustomEvent("record", { detail: data }));
  } else if (data.kind === "activity") {
    bus.dispatchEvent(new Event("activities-changed"));
    bus.dispatchEvent(new CustomEvent("record", { detail: { ...data, document: data.record } }));
    if (data.event === "created" || data.event === "assigned") {
      toast(data.event === "created" ? "New activity" : "Activity assigned to you", data.name || "",
        { onclick: () => openPayload({ model: data.model, document: data.record }),
          context: contextOf({ model: data.model, document: data.record }) });
    }
  }
}

/** "Push": Web Push for this browser (shown where the browser supports it). */
function pushButton() {
  if (!pushSupported()) return null;
  const button = h("button.topbar-button#push-button", { type: "button", title: "Web Push notifications for this browser",
    onclick: async () => {
      try {
        await enablePush();
        button.classList.add("on");
        toast("Push notifications on", "this browser is notified even when the page is closed");
      } catch (err) {
        toast("Push notifications not enabled", err.message, { kind: "error" });
      }
    } }, icon("bell"), h("small", "push"));
  pushEnabled().then((on) => button.classList.toggle("on", on)).catch(() => {});
  return button;
}

async function start() {
  const login = session.login;
  if (!login) return renderLogin();
  try {
    state.me = await api("/api/me");
  } catch {
    session.login = null;
    return renderLogin();
  }
  const users = await api("/api/users", { query: { limit: 1000 } });
  state.users = new Map(users.map((u) => [u.id, u]));
  state.usersByContact = new Map(users.map((u) => [u.contact_id, u]));
  shell();
  state.live = new Live(onFrame, (up) => {
    const dot = document.getElementById("live");
    if (dot) { dot.classList.toggle("up", up); dot.title = up ? "live" : "reconnecting"; }
    document.body.dataset.live = up ? "up" : "down";
    connection.ws = !up;
    showBanner();
  });
  state.live.start();
  refreshBell();
  refreshActivityCounter();
  refreshChannels();
  await route();
}

state.reroute = route;   // a view redraws itself through the router, so its listeners are replaced, not added
window.addEventListener("hashchange", () => { if (state.me) route(); });
start();
