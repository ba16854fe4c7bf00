// Discuss: public and private channels and direct messages, unread badges, live over /api/ws.

import { api } from "./api.js";
import { append, avatar, clear, collapsible, countLabel, dayLabel, dialog, h, icon, stamp } from "./dom.js";
import { bus, state, userName } from "./state.js";
import { composer } from "./composer.js";
import { editedTag, loadOlder, messageBody, messageTools, parentQuote, replaceShown, replyTarget } from "./lifecycle.js";
import { searchBox } from "./search.js";

let channels = [];
let openId = null;
let sidebar = null;
let list = null;          // the open channel's message list (isOpen); each view keeps its own in a closure
let newChannel = null;    // the "new channel" button and form: kept across sidebar redraws

/** "#general", "🔒 board" or the other person's name: a channel as a notification names it. */
export function channelLabel(id) {
  const c = channels.find((x) => x.id === id);
  if (!c) return `channel #${id}`;
  return c.kind === "Direct" ? channelName(c) : `#${c.name}`;
}

export function channelName(c) {
  if (c.kind !== "Direct") return c.name;
  const other = (c.dm_user_ids || []).find((id) => id !== state.me.id) ?? state.me.id;
  return userName(other);
}

export const isOpen = (id) => id === openId && list !== null && document.body.contains(list);

function drawBadge() {
  const total = channels.filter((c) => c.is_member && !c.is_muted && !isOpen(c.id))
    .reduce((n, c) => n + (c.unread || 0), 0);
  const badge = document.getElementById("discuss-unread");
  if (badge) { badge.textContent = countLabel(total); badge.hidden = total === 0; }
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
  return h(`a.channel-item${c.id === openId ? ".active" : ""}${unread ? ".has-unread" : ""}${c.is_archived ? ".archived" : ""}`,
    { href: `#/discuss/${c.id}`, dataset: { channelId: c.id, name: channelName(c) } },
    h("span.channel-label", label), unread ? h("span.badge.unread", countLabel(unread)) : null);
}

/** "+ New channel": a name, Public or Private, the members to invite. */
function newChannelForm() {
  const name = h("input.field-input#new-channel-name", { placeholder: "Channel name", maxLength: 255, required: true,
    oninput: () => { error.hidden = true; name.classList.remove("invalid"); } });
  const error = h("div.field-error#new-channel-error", { role: "alert", hidden: true });
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
        error.textContent = err.message;   // e.g. a channel of that name exists already: said in the form
        error.hidden = false;
        name.classList.add("invalid");
        name.focus();
      }
    },
  }, name, error, kind, h("div.member-choices", choices),
  h("div.form-actions", h("button.btn.btn-primary", { type: "submit" }, "Create"),
    h("button.btn.btn-light", { type: "button", onclick: () => { form.reset(); error.hidden = true; form.hidden = true; } }, "Cancel")));
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

/** A chat message; a deleted one is a tombstone. `tools`: its reactions and actions (lifecycle.js). */
function chatMessage(m, previous, tools) {
  const grouped = previous && previous.author && m.author && previous.author.id === m.author.id
    && new Date(m.created_at) - new Date(previous.created_at) < 5 * 60 * 1000 && !m.parent;
  const who = m.author ? m.author.name : "System";
  return h(`div.chat-message${grouped ? ".grouped" : ""}`, { dataset: { id: m.id, starred: String(!!m.starred) } },
    grouped ? h("span.avatar-space") : avatar(who, m.author ? m.author.id : 0),
    h("div.message-main",
      grouped ? null : h("div.message-head", h("b.message-author", who), stamp(m.created_at, "message-time")),
      parentQuote(m),
      collapsible(messageBody(m)), editedTag(m),
      messageTools(m, tools)));
}

/** The open channel's header: a lock for a Private channel, then members, invite, mute, leave, archive. */
function channelHeader(channel, reload) {
  const id = channel.id;
  const direct = channel.kind === "Direct";
  const members = h("div.dropdown.members-panel#members-panel", { hidden: true });
  const act = (path, json) => async () => {
    await api(`/api/channels/${id}/${path}`, { method: "POST", json });
    await refreshChannels();
    reload();
  };
  async function showMembers() {
    if (!members.hidden) { members.hidden = true; return; }
    const people = await api(`/api/channels/${id}/members`);
    const inside = new Set(people.map((u) => u.id));
    const invite = h("select.field-input#invite-member", { onchange: async (e) => {
      if (!e.target.value) return;
      await api(`/api/channels/${id}/join`, { method: "POST", query: { user_id: e.target.value } });
      members.hidden = true;
      showMembers();
    } }, h("option", { value: "" }, "Invite someone…"),
    [...state.users.values()].filter((u) => !inside.has(u.id)).map((u) => h("option", { value: u.id }, u.name)));
    append(clear(members), [h("div.dropdown-head", h("b", `${people.length} member${people.length === 1 ? "" : "s"}`)),
      people.map((u) => h("div.follower.member", { dataset: { username: u.username } }, avatar(u.name, u.id), h("span.grow", u.name))),
      direct || channel.is_archived || !channel.is_member ? null : invite]);
    members.hidden = false;
  }
  const mine = channel.created_by === state.me.id;
  return h("div.discuss-header",
    h("a.link.back-to-channels", { href: "#/discuss", title: "All channels" }, "‹"),
    h("b#channel-title", direct ? channelName(channel)
      : [h(`span.hash.kind-${channel.kind.toLowerCase()}`, { title: channel.kind }, icon(channel.kind === "Private" ? "lock" : "hash")),
        channel.name]),
    channel.is_archived ? h("span.tag.tag-archived", "Archived") : null,
    channel.description ? h("span.muted.channel-description", ` — ${channel.description}`) : null,
    h("div.discuss-header-actions",
      searchBox({ scope: { channel: id }, id: "chat-search", placeholder: "Search this conversation…" }),
      h("div.dropdown-wrap", h("button.btn.btn-link#members-button", { type: "button", title: "Members", onclick: showMembers },
        icon("users"), " Members"), members),
      channel.is_member ? h("button.btn.btn-link#mute-button", { type: "button", onclick: act("mute", { muted: !channel.is_muted }) },
        channel.is_muted ? "Unmute" : "Mute") : null,
      !direct && channel.is_member ? h("button.btn.btn-link#leave-button", { type: "button", onclick: async () => {
        const ok = await dialog({ title: `Leave ${channel.kind === "Private" ? "" : "#"}${channel.name}?`,
          text: channel.kind === "Private" ? "You need an invitation to come back." : null, ok: "Leave", danger: true });
        if (!ok) return;
        await api(`/api/channels/${id}/leave`, { method: "POST" });
        await refreshChannels();
        window.location.hash = "#/discuss";
      } }, "Leave") : null,
      !direct && mine ? h("button.btn.btn-link#archive-button", { type: "button",
        onclick: act(channel.is_archived ? "unarchive" : "archive") }, channel.is_archived ? "Unarchive" : "Archive") : null));
}

export async function renderDiscuss(view, channelId) {
  const signal = state.view ? state.view.signal : undefined;   // this view's lifetime (route() aborts it)
  sidebar = h("nav.discuss-sidebar#channels");
  newChannel = newChannelForm();
  const main = h("section.discuss-main");
  clear(view).append(h(`div.discuss${channelId ? ".channel-open" : ""}`, sidebar, main));
  channels = await api("/api/channels");
  if (signal && signal.aborted) return;
  if (!channelId && window.matchMedia("(min-width: 701px)").matches) {   // a phone shows the list first
    const first = channels.find((c) => c.is_member);
    if (first) { window.location.replace(`#/discuss/${first.id}`); return; }
  }
  openId = channelId;
  drawSidebar();
  const channel = channels.find((c) => c.id === channelId);
  if (!channel) { main.append(h("div.empty", channelId ? "This channel is not there (any more)." : "Pick a channel.")); return; }

  const mine = h("div.chat-list#chat-list");   // this view's list: the closures below never see another
  list = mine;
  let last = null;
  const replying = replyTarget(() => comp.focus());
  const comp = composer({
    placeholder: channel.kind === "Direct" ? `Message ${channelName(channel)}…` : `Message #${channel.name}…`,
    enterSends: true,
    onSend: async (html) => {
      const m = await api(`/api/channels/${channelId}/messages`, { method: "POST",
        json: { body: html, parent: replying.get() ?? undefined } });
      replying.set(null);
      addMessage(m);
    },
  });
  const tools = {
    changed: (m, fromFrame = false) => replaceShown(mine, m, (x) => chatMessage(x, null, tools), { fromFrame }),
    reply: (m) => replying.set(m),
  };
  const history = (before) => api(`/api/channels/${channelId}/messages`, { query: { limit: 100, before_id: before } });
  // Older pages go on top, below the "Load older" button, the scroll position kept.
  const older = loadOlder(async (before) => {
    const page = await history(before);
    const height = mine.scrollHeight;
    let previous = null;
    const items = page.messages.reverse().filter((m) => !seen.has(m.id)).map((m) => {
      seen.add(m.id);
      const el = chatMessage(m, previous, tools);
      previous = m;
      return el;
    });
    older.after(...items);
    mine.scrollTop += mine.scrollHeight - height;
    return page.next_before_id;
  }, null);
  mine.append(older);
  const closed = channel.is_archived ? h("div.composer-closed", "This channel is archived: its history stays, it takes no new messages.")
    : !channel.is_member ? h("div.composer-closed", "Join the channel to write in it.") : null;
  main.append(channelHeader(channel, () => { if (!signal || !signal.aborted) state.reroute(); }),
    mine, ...(closed ? [closed] : [replying.el, comp.el]));

  const seen = new Set();
  const empty = h("div.empty.chat-empty", channel.kind === "Direct" ? `No messages yet. Say hello to ${channelName(channel)}!`
    : `No messages in #${channel.name} yet. Be the first to write.`);
  function addMessage(m) {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    empty.remove();
    const label = dayLabel(m.created_at);
    if (!last || dayLabel(last.created_at) !== label) mine.append(h("div.day-separator", h("span", label)));
    mine.append(chatMessage(m, last, tools));
    last = m;
    mine.scrollTop = mine.scrollHeight;
  }
  const { messages, next_before_id: nextBefore } = await history(null);
  if (signal && signal.aborted) return;
  for (const m of messages.reverse()) addMessage(m);
  older.setBefore(nextBefore);
  if (seen.size === 0) mine.append(empty);
  if (channel.is_member) {
    await api(`/api/channels/${channelId}/read`, { method: "POST", json: {} });
    bus.dispatchEvent(new Event("inbox-changed"));   // reading a conversation reads its bell entries
  }
  channel.unread = 0;
  drawSidebar();
  if (!closed) comp.focus();

  // Until this view goes: one listener, removed by the view's signal (never by looking at the DOM).
  bus.addEventListener("channel-message", async (event) => {
    const d = event.detail;
    if (d.channel_id === channelId) {
      addMessage(d.message);
      await api(`/api/channels/${channelId}/read`, { method: "POST", json: { message_id: d.message_id } });
      bus.dispatchEvent(new Event("inbox-changed"));
    }
  }, { signal });
  bus.addEventListener("channel-message-updated", (event) => {
    const d = event.detail;
    if (d.channel_id === channelId) tools.changed(d.message, true);
  }, { signal });
}

// Any chat message: unread badges follow (the open channel is read as it arrives). A DM or a mention
// toasts from its notification (app.js), which names the conversation and opens it.
bus.addEventListener("channel-message", (event) => {
  const open = isOpen(event.detail.channel_id);
  setTimeout(refreshChannels, open ? 300 : 0);
});
