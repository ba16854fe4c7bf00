// A record's chatter panel (Odoo-like): Send message / Log note / Activities, followers, attachments,
// planned activities with done/cancel, and the feed of Message, Note and Tracking entries.

import { api, ApiError, download } from "./api.js";
import { append, avatar, clear, dayLabel, h, icon, when } from "./dom.js";
import { sanitize } from "./sanitize.js";
import { bus, state, userName } from "./state.js";
import { composer } from "./composer.js";
import { searchBox } from "./search.js";

function trackingList(items) {
  return h("ul.tracking", items.map((t) => h("li.tracking-item",
    h("span.tracking-old", t.old_display ?? ""), h("span.arrow", " → "),
    h("span.tracking-new", t.new_display ?? ""), h("span.tracking-field", ` (${t.label})`))));
}

/** A file of a message or a record; clicking saves it (download() sends the token as a header). */
function fileChip(a) {
  return h("a.chip", {
    href: "#", title: `Download ${a.name}`, dataset: { attachment: a.id },
    onclick: (event) => {
      event.preventDefault();
      download(a.id, a.name).catch((err) => state.toast("Download failed", err.message, { kind: "error" }));
    },
  }, icon("clip"), a.name, h("small.muted", ` ${Math.ceil(a.size / 1024)} kB`));
}

export function messageItem(m) {
  const who = m.author ? m.author.name : (m.from_email || "System");
  const kind = m.message_type.toLowerCase();
  const body = m.tracking && m.tracking.length ? trackingList(m.tracking) : h("div.message-body", sanitize(m.body));
  return h(`div.message.message-${kind}`, { dataset: { id: m.id, type: m.message_type } },
    avatar(who, m.author ? m.author.id : 0),
    h("div.message-main",
      h("div.message-head", h("b.message-author", who), h("span.muted.message-time", { title: m.created_at }, when(m.created_at)),
        m.message_type === "Note" ? h("span.tag.tag-note", "Note") : null,
        m.message_type === "Tracking" ? h("span.tag.tag-tracking", "Tracking") : null,
        m.subject ? h("span.message-subject", m.subject) : null),
      body,
      m.attachments && m.attachments.length ? h("div.attachment-chips", m.attachments.map((a) =>
        fileChip(a))) : null));
}

function dueText(a) {
  if (a.days_left === 0) return "Today";
  if (a.days_left === 1) return "Tomorrow";
  if (a.days_left === -1) return "Yesterday";
  return a.days_left < 0 ? `${-a.days_left} days overdue` : `Due in ${a.days_left} days`;
}

export function chatterPanel(box, model, document) {
  let mode = "Message";
  let followers = [];
  let types = [];
  const feed = h("div.feed#feed");
  const activityList = h("div.activities#activities");
  const followerPanel = h("div.dropdown.followers-panel", { hidden: true });
  const followerCount = h("span#follower-count", "0");
  const attachmentCount = h("span#attachment-count", "0");
  const attachmentBox = h("div.attachment-box#attachment-box", { hidden: true });
  const followButton = h("button.btn.btn-link.follow-button#follow", { type: "button" }, "Follow");
  const scheduleBox = h("div.schedule", { hidden: true });

  const comp = composer({
    placeholder: "Send a message to followers…",
    attach: { model, document },
    onSend: async (html, attachments) => {
      const body = { body: html || "<p></p>", message_type: mode, model, document, attachments };
      let posted;
      try {
        posted = await api("/api/send_message", { method: "POST", json: { ...body, send: mode === "Message" } });
      } catch (error) {
        if (!(error instanceof ApiError && error.code === "CH001")) throw error;
        posted = await api("/api/send_message", { method: "POST", json: body });   // nobody to email: in-app only
      }
      addMessage(posted);   // the answer is the message, as the feed shows it
      loadFollowers();
    },
  });

  const modeButtons = {
    Message: h("button.btn.chatter-tab#send-message", { type: "button", onclick: () => setMode("Message") }, "Send message"),
    Note: h("button.btn.chatter-tab#log-note", { type: "button", onclick: () => setMode("Note") }, "Log note"),
  };
  function setMode(next) {
    mode = next;
    modeButtons.Message.classList.toggle("active", mode === "Message");
    modeButtons.Note.classList.toggle("active", mode === "Note");
    comp.el.classList.toggle("composer-note", mode === "Note");
    comp.setPlaceholder(mode === "Note" ? "Log an internal note…" : "Send a message to followers…");
    comp.setButton(mode === "Note" ? "Log" : "Send");
    comp.focus();
  }

  clear(box).append(h("div.chatter",
    h("div.chatter-topbar",
      modeButtons.Message, modeButtons.Note,
      h("button.btn.chatter-tab#schedule-activity", { type: "button", onclick: () => { scheduleBox.hidden = !scheduleBox.hidden; } },
        icon("clock"), " Activities"),
      h("div.chatter-topbar-right",
        searchBox({ scope: { model, document }, id: "feed-search", placeholder: "Search this record…" }),
        h("button.btn.btn-link.counter#attachments-button", { type: "button", title: "Attachments",
          onclick: () => { attachmentBox.hidden = !attachmentBox.hidden; } }, icon("clip"), " ", attachmentCount),
        followButton,
        h("div.dropdown-wrap",
          h("button.btn.btn-link#followers-button", { type: "button", title: "Followers",
            onclick: () => { followerPanel.hidden = !followerPanel.hidden; } }, icon("user"), " ", followerCount),
          followerPanel))),
    h("div.chatter-composer", comp.el),
    attachmentBox,
    scheduleBox,
    activityList,
    feed));
  setMode("Message");
  comp.el.querySelector("textarea").blur();

  // --- followers -------------------------------------------------------------------------------------
  async function loadFollowers() {
    followers = await api(`/api/records/${model}/${document}/followers`);
    followerCount.textContent = followers.length;
    const following = followers.some((f) => f.id === state.me.contact_id);
    followButton.textContent = following ? "Following" : "Follow";
    followButton.classList.toggle("following", following);
    followButton.onclick = async () => {
      if (following) await api(`/api/records/${model}/${document}/followers/${state.me.contact_id}`, { method: "DELETE" });
      else await api(`/api/records/${model}/${document}/followers`, { method: "POST", json: {} });
      loadFollowers();
    };
    const candidates = [...state.users.values()].filter((u) => !followers.some((f) => f.id === u.contact_id));
    const add = h("select.field-input#add-follower", { onchange: async (e) => {
      if (!e.target.value) return;
      await api(`/api/records/${model}/${document}/followers`, { method: "POST", json: { contacts: [Number(e.target.value)] } });
      loadFollowers();
    } }, h("option", { value: "" }, "Add follower…"), candidates.map((u) => h("option", { value: u.contact_id }, u.name)));
    append(clear(followerPanel), [h("div.dropdown-head", h("b", "Followers")),
      followers.map((f) => h("div.follower", { dataset: { contact: f.id } }, avatar(f.name, f.id), h("span.grow", f.name),
        h("button.link", { type: "button", title: "Remove", onclick: async () => {
          await api(`/api/records/${model}/${document}/followers/${f.id}`, { method: "DELETE" });
          loadFollowers();
        } }, icon("x")))),
      candidates.length ? add : null]);
  }

  // --- activities ------------------------------------------------------------------------------------
  async function loadActivities() {
    const list = await api("/api/activities", { query: { model, record: document } });
    clear(activityList);
    if (!list.length) return;
    append(activityList, [h("div.section-title", "Planned Activities"),
      list.map((a) => h(`div.activity.state-${a.state}`, { dataset: { id: a.activity } },
        h("span.activity-icon", icon(a.icon)),
        h("div.activity-main",
          h("div", h("b.activity-due", dueText(a)), ": ", h("span.activity-name", a.name),
            h("span.muted", ` · ${a.activity_type_name} for ${userName(a.assignee)}`)),
          a.description ? h("div.muted", a.description) : null,
          h("div.activity-actions",
            h("button.link.activity-done", { type: "button", onclick: async () => {
              const feedback = window.prompt("Feedback (optional)", "") ;
              if (feedback === null) return;
              await api(`/api/activities/${a.activity}/done`, { method: "POST", json: { feedback: feedback || null } });
              bus.dispatchEvent(new Event("activities-changed"));
              refresh();
            } }, icon("check"), " Mark Done"),
            h("button.link.activity-cancel", { type: "button", onclick: async () => {
              await api(`/api/activities/${a.activity}`, { method: "DELETE" });
              bus.dispatchEvent(new Event("activities-changed"));
              loadActivities();
            } }, icon("x"), " Cancel")))))]);
  }

  async function drawSchedule() {
    types = types.length ? types : await api("/api/activity_types");
    const type = h("select.field-input#activity-type", types.map((t) => h("option", { value: t.identifier }, t.name)));
    const who = h("select.field-input#activity-assignee", [...state.users.values()].map((u) =>
      h("option", { value: u.id, selected: u.id === state.me.id }, u.name)));
    const summary = h("input.field-input#activity-summary", { placeholder: "e.g. Discuss proposal" });
    const due = h("input.field-input#activity-deadline", { type: "date" });
    clear(scheduleBox).append(h("div.schedule-grid",
      h("label", "Activity Type"), type, h("label", "Assigned to"), who,
      h("label", "Summary"), summary, h("label", "Due Date"), due),
    h("div.schedule-actions", h("button.btn.btn-primary#activity-save", { type: "button", onclick: async () => {
      await api("/api/activities", { method: "POST", json: { model, record: document, activity_type: type.value,
        assigned_to: Number(who.value), name: summary.value || null, deadline: due.value || null } });
      scheduleBox.hidden = true;
      bus.dispatchEvent(new Event("activities-changed"));
      loadActivities();
    } }, "Schedule"), h("button.btn.btn-light", { type: "button", onclick: () => { scheduleBox.hidden = true; } }, "Discard")));
  }

  // --- the feed --------------------------------------------------------------------------------------
  async function loadAttachments() {
    const files = await api(`/api/records/${model}/${document}/attachments`);
    attachmentCount.textContent = files.length;
    append(clear(attachmentBox), [h("div.section-title", "Files"),
      files.length === 0 ? h("div.muted", "No files yet: attach one with the paperclip of the composer.") : null,
      h("div.attachment-chips", files.map(fileChip))]);
  }

  async function loadFeed() {
    const [{ messages }] = await Promise.all([
      api(`/api/records/${model}/${document}/messages`, { query: { limit: 100 } }), loadAttachments()]);
    clear(feed);
    let day = null;
    for (const m of messages) {
      const label = dayLabel(m.created_at);
      if (label !== day) {
        feed.append(h("div.day-separator", h("span", label)));
        day = label;
      }
      feed.append(messageItem(m));
    }
  }

  // A message that arrived in a frame (the same shape as the feed's): on top, under its day, once.
  function addMessage(m) {
    if (feed.querySelector(`.message[data-id="${m.id}"]`)) return;
    const first = feed.querySelector(".message");
    if (first && Number(first.dataset.id) > m.id) { refresh(); return; }   // out of order: reload instead
    const label = dayLabel(m.created_at);
    const top = feed.firstElementChild;
    const item = messageItem(m);
    if (top && top.classList.contains("day-separator") && top.textContent === label) top.after(item);
    else feed.prepend(h("div.day-separator", h("span", label)), item);
    if (m.attachments && m.attachments.length) loadAttachments();
  }

  // Reloads are serialized and coalesced: a burst of frames (a note, a tracked UPDATE, the notification)
  // gives one or two reloads, and a frame arriving during a reload always gets a reload after it.
  let timer = null;
  let loading = false;
  let again = false;
  function refresh() {
    if (!timer) timer = setTimeout(run, 30);
  }
  async function run() {
    timer = null;
    if (loading) { again = true; return; }
    loading = true;
    try {
      await Promise.all([loadFeed(), loadFollowers(), loadActivities()]);
    } finally {
      loading = false;
      if (again) { again = false; refresh(); }
    }
  }
  // Frames carry what changed: a new message is shown from the frame itself; only an activity reloads
  // the activities, and the followers (an author follows what they post on).
  function onEvent(d) {
    if (d.kind === "activity") loadActivities();
    else if (d.kind === "record_message" && d.message) {
      addMessage(d.message);
      loadFollowers();
    }
  }

  state.live.watch(model, document);
  drawSchedule();
  loadFollowers();
  loadActivities();
  loadFeed();
  return { onEvent, reload: loadFeed };
}
