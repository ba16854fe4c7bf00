// Discuss: public and private channels and direct messages, unread badges, live over /api/ws.

import { api } from "./api.js";
import { append, avatar, clear, dayLabel, h, icon, when } from "./dom.js";
import { sanitize } from "./sanitize.js";
import { bus, state, userName } from "./state.js";
import { composer } from "./composer.js";
import { searchBox } from "./search.js";

let channels = [];
let openId = null;
let sidebar = null;
let list = null;
let newChannel = null;    // the "new channel" button and form: kept across sidebar redraws

export function channelName(c) {
  if (c.kind !== "Direct") return c.name;
  const other = (c.dm_user_ids || []).find((id) => id !== state.me.id) ?? state.me.id;
  return userName(other);
}

const isOpen = (id) => id === openId && list !== null && document.body.contains(list);

function drawBadge() {
  const total = channels.filter((c) => c.is_member && !c.is_muted && !isOpen(c.id))
    .reduce((n, c) => n + (c.unread || 0), 0);
  const badge = document.getElementById("discuss-unread");
  if (badge) { badge.textContent = total; badge.hidden = total === 0; }
}

export async function refreshChannels() {
  channels = await api("/api/channels");
  drawBadge();
  if (sidebar && document.body.contains(sidebar)) drawSidebar();
}

function item(c) {
  const unread = isOpen(c.id) ? 0 : c.unread || 0;
  const label = c.kind === "Direct" ? [avatar(channelName(c), (c.dm_user_ids || []).find((i) => i !== state.me.id)), channelName(c)]
    : [h("span.hash", icon(c.kind === "Private" ? "lock" : "hash")), c.name];
  return h(`a.channel-item${c.id === openId ? ".active" : ""}${unread ? ".has-unread" : ""}`,
    { href: `#/discuss/${c.id}`, dataset: { channelId: c.id, name: channelName(c) } },
    h("span.channel-label", label), unread ? h("span.badge.unread", String(unread)) : null);
}

/** "+ New channel": a name, Public or Private, the members to invite. */
function newChannelForm() {
  const name = h("input.field-input#new-channel-name", { placeholder: "Channel name", maxLength: 255, required: true });
  const kind = h("select.field-input#new-channel-kind",
    h("option", { value: "Public" }, "Public: anyone can join"),
    h("option", { value: "Private" }, "Private: members only"));
  const choices = [...state.users.values()].filter((u) => u.id !== state.me.id).map((u) =>
    h("label.member-choice", h("input", { type: "checkbox", value: u.id, dataset: { username: u.username } }), u.name));
  const form = h("form.new-channel#new-channel-form", {
    hidden: true,
    onsubmit: async (event) => {
      event.preventDefault();
      const members = choices.map((c) => c.querySelector("input")).filter((i) => i.checked).map((i) => Number(i.value));
      try {
        const c = await api("/api/channels", { method: "POST",
          json: { name: name.value.trim(), kind: kind.value, members } });
        form.reset();
        form.hidden = true;
        await refreshChannels();
        window.location.hash = `#/discuss/${c.id}`;
      } catch (err) {
        state.toast("The channel was not created", err.message, { kind: "error" });
      }
    },
  }, name, kind, h("div.member-choices", choices),
  h("div.form-actions", h("button.btn.btn-primary", { type: "submit" }, "Create"),
    h("button.btn.btn-light", { type: "button", onclick: () => { form.reset(); form.hidden = true; } }, "Cancel")));
  const open = h("button.btn.btn-link#new-channel", { type: "button",
    onclick: () => { form.hidden = false; name.focus(); } }, "+ New channel");
  return h("div.new-channel-box", open, form);
}

function drawSidebar() {
  const mine = channels.filter((c) => c.is_member && c.kind !== "Direct");
  const others = channels.filter((c) => !c.is_member && c.kind === "Public");
  const dms = channels.filter((c) => c.kind === "Direct");
  const dmWith = h("select.field-input#dm-with", { onchange: async (e) => {
    if (!e.target.value) return;
    const c = await api("/api/dms", { method: "POST", json: { user_id: Number(e.target.value) } });
    await refreshChannels();
    window.location.hash = `#/discuss/${c.id}`;
  } }, h("option", { value: "" }, "Message someone…"),
  [...state.users.values()].filter((u) => u.id !== state.me.id).map((u) => h("option", { value: u.id }, u.name)));
  append(clear(sidebar), [
    h("div.sidebar-title", "Channels"), mine.map(item),
    others.map((c) => h("div.channel-item.not-member", h("span.channel-label", h("span.hash", icon("hash")), c.name),
      h("button.link", { type: "button", onclick: async () => {
        await api(`/api/channels/${c.id}/join`, { method: "POST" });
        await refreshChannels();
        window.location.hash = `#/discuss/${c.id}`;
      } }, "join"))),
    newChannel,
    h("div.sidebar-title", "Direct messages"), dms.map(item), dmWith]);
  drawBadge();
}

function chatMessage(m, previous) {
  const grouped = previous && previous.author && m.author && previous.author.id === m.author.id
    && new Date(m.created_at) - new Date(previous.created_at) < 5 * 60 * 1000;
  const who = m.author ? m.author.name : "System";
  return h(`div.chat-message${grouped ? ".grouped" : ""}`, { dataset: { id: m.id } },
    grouped ? h("span.avatar-space") : avatar(who, m.author ? m.author.id : 0),
    h("div.message-main",
      grouped ? null : h("div.message-head", h("b.message-author", who), h("span.muted.message-time", when(m.created_at))),
      h("div.message-body", sanitize(m.body))));
}

export async function renderDiscuss(view, channelId) {
  sidebar = h("nav.discuss-sidebar#channels");
  newChannel = newChannelForm();
  const main = h("section.discuss-main");
  clear(view).append(h("div.discuss", sidebar, main));
  channels = await api("/api/channels");
  if (!channelId) {
    const first = channels.find((c) => c.is_member);
    if (first) { window.location.replace(`#/discuss/${first.id}`); return; }
  }
  openId = channelId;
  drawSidebar();
  const channel = channels.find((c) => c.id === channelId);
  if (!channel) { main.append(h("div.empty", "Pick a channel.")); return; }

  list = h("div.chat-list#chat-list");
  let last = null;
  const comp = composer({
    placeholder: channel.kind === "Direct" ? `Message ${channelName(channel)}…` : `Message #${channel.name}…`,
    onSend: async (html) => {
      const m = await api(`/api/channels/${channelId}/messages`, { method: "POST", json: { body: html } });
      addMessage(m);
    },
  });
  main.append(
    h("div.discuss-header", h("b#channel-title", channel.kind === "Direct" ? channelName(channel) : `# ${channel.name}`),
      channel.description ? h("span.muted", ` — ${channel.description}`) : null,
      searchBox({ scope: { channel: channelId }, id: "chat-search", placeholder: "Search this conversation…" })),
    list, comp.el);

  const seen = new Set();
  function addMessage(m) {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    const label = dayLabel(m.created_at);
    if (!last || dayLabel(last.created_at) !== label) list.append(h("div.day-separator", h("span", label)));
    list.append(chatMessage(m, last));
    last = m;
    list.scrollTop = list.scrollHeight;
  }
  const { messages } = await api(`/api/channels/${channelId}/messages`, { query: { limit: 100 } });
  for (const m of messages.reverse()) addMessage(m);
  if (channel.is_member) await api(`/api/channels/${channelId}/read`, { method: "POST", json: {} });
  channel.unread = 0;
  drawSidebar();
  comp.focus();

  const onMessage = async (event) => {
    const d = event.detail;
    if (!document.body.contains(list)) { bus.removeEventListener("channel-message", onMessage); return; }
    if (d.channel_id === channelId) {
      addMessage(d.message);
      await api(`/api/channels/${channelId}/read`, { method: "POST", json: { message_id: d.message_id } });
    }
  };
  bus.addEventListener("channel-message", onMessage);
}

// Any chat message: unread badges follow (the open channel is read as it arrives); a DM also toasts.
bus.addEventListener("channel-message", (event) => {
  const d = event.detail;
  const open = isOpen(d.channel_id);
  const c = channels.find((x) => x.id === d.channel_id);
  if (!open && c && c.kind === "Direct" && d.message.author && d.message.author.id !== state.me.contact_id) {
    state.toast(d.message.author.name, "sent you a direct message", {
      onclick: () => { window.location.hash = `#/discuss/${d.channel_id}`; } });
  }
  setTimeout(refreshChannels, open ? 300 : 0);
});
