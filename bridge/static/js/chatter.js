// A record's chatter panel (Odoo-like): Send message / Log note / Activities, followers, attachments,
// planned activities with done/cancel, and the feed of Message, Note and Tracking entries.

import { api, ApiError, download } from "./api.js";
import { append, avatar, clear, collapsible, dayLabel, dialog, h, icon, stamp } from "./dom.js";
import { bus, state, userName } from "./state.js";
import { composer } from "./composer.js";
import { editedTag, loadOlder, messageBody, messageTools, parentQuote, replaceShown, replyTarget } from "./lifecycle.js";
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

/** A feed entry; `tools` ({changed, reply}) adds its reactions and actions (lifecycle.js). */
export function messageItem(m, tools = null) {
  const who = m.author ? m.author.name : (m.from_email || "System");
  const kind = m.message_type.toLowerCase();
  const body = m.tracking && m.tracking.length ? trackingList(m.tracking) : collapsible(messageBody(m));
  return h(`div.message.message-${kind}`, { dataset: { id: m.id, type: m.message_type, starred: String(!!m.starred) } },
    avatar(who, m.author ? m.author.id : 0),
    h("div.message-main",
      h("div.message-head", h("b.message-author", who), stamp(m.created_at, "message-time"),
        m.message_type === "Note" ? h("span.tag.tag-note", "Note") : null,
        m.message_type === "Tracking" ? h("span.tag.tag-tracking", "Tracking") : null,
        m.message_type === "Email" ? h("span.tag.tag-email", { title: `By email from ${m.from_email || who}` }, "Email") : null,
        m.subject ? h("span.message-subject", m.subject) : null, editedTag(m)),
      parentQuote(m),
      body,
      m.attachments && m.attachments.length ? h("div.attachment-chips", m.attachments.map((a) =>
        fileChip(a))) : null,
      m.bounced && m.bounced.length ? h("div.bounced", { title: "The mail server of these recipients sent the email back" },
        `✉ Email bounced: ${m.bounced.map((b) => `${b.name} <${b.email || "?"}>`).join(", ")}`) : null,
      tools ? messageTools(m, tools) : null));
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
  const subscriptionBox = h("form.subscription-box#subscription-box", { hidden: true });
  const followerCount = h("span#follower-count", "0");
  const attachmentCount = h("span#attachment-count", "0");
  const attachmentBox = h("div.attachment-box#attachment-box", { hidden: true });
  const followButton = h("button.btn.btn-link.follow-button#follow", { type: "button" }, "Follow");
  const scheduleBox = h("div.schedule", { hidden: true });

  const replying = replyTarget(() => comp.focus());
  const comp = composer({
    placeholder: "Send a message to followers…",
    attach: { model, document },
    onSend: async (html, attachments) => {
      const body = { body: html || "<p></p>", message_type: mode, model, document, attachments,
        parent: replying.get() };
      let posted;
      try {
        posted = await api("/api/send_message", { method: "POST", json: { ...body, send: mode === "Message" } });
      } catch (error) {
        if (!(error instanceof ApiError && error.code === "CH001")) throw error;
        posted = await api("/api/send_message", { method: "POST", json: body });   // nobody to email: in-app only
      }
      replying.set(null);
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
    h("div.chatter-composer", replying.el, comp.el),
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
      followers.map((f) => [h("div.follower", { dataset: { contact: f.id } }, avatar(f.name, f.id), h("span.grow", f.name),
        f.id === state.me.contact_id ? h("button.link.edit-subscription", { type: "button", title: "Edit subscription",
          onclick: () => editSubscription(f.id) }, icon("check")) : null,
        h("button.link", { type: "button", title: "Remove", onclick: async () => {
          await api(`/api/records/${model}/${document}/followers/${f.id}`, { method: "DELETE" });
          loadFollowers();
        } }, icon("x"))),
        f.id === state.me.contact_id ? subscriptionBox : null]),
      candidates.length ? add : null]);
  }

  // Odoo's "Edit subscription": the subtypes one follows on this record, one checkbox each (one's own
  // subscription only: chatter.edit_subscription refuses another's).
  async function editSubscription(contactId) {
    if (!subscriptionBox.hidden) { subscriptionBox.hidden = true; return; }
    const [offered, subscriptions] = await Promise.all([api(`/api/models/${model}/subtypes`),
      api(`/api/records/${model}/${document}/subscriptions`)]);
    const mine = (subscriptions.find((x) => x.contact_id === contactId) || { subtypes: [] }).subtypes;
    append(clear(subscriptionBox), [
      h("div.muted", "Notify me of:"),
      offered.map((t) => h("label.subtype", { title: t.description || "" },
        h("input", { type: "checkbox", name: "subtype", value: t.identifier, checked: mine.includes(t.identifier) }),
        ` ${t.name}`, t.internal ? h("small.muted", " (internal)") : null)),
      h("button.btn.btn-primary#subscription-apply", { type: "submit" }, "Apply")]);
    subscriptionBox.onsubmit = async (event) => {
      event.preventDefault();
      const subtypes = [...subscriptionBox.querySelectorAll("input[name=subtype]:checked")].map((x) => x.value);
      await api(`/api/records/${model}/${document}/subscriptions/${contactId}`, { method: "PUT", json: { subtypes } });
      subscriptionBox.hidden = true;
      state.toast("Subscription updated", subtypes.length ? subtypes.join(", ") : "no subtype: no notification");
    };
    subscriptionBox.hidden = false;
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
              const done = await dialog({ title: `Mark "${a.name}" done`, ok: "Done", id: "done-dialog",
                fields: [{ name: "feedback", label: "Feedback (optional)",
                  input: h("textarea.field-input#done-feedback", { rows: 3, maxLength: 10000 }) }] });
              if (!done) return;
              await api(`/api/activities/${a.activity}/done`, { method: "POST", json: { feedback: done.feedback || null } });
              bus.dispatchEvent(new Event("activities-changed"));
              refresh();
            } }, icon("check"), " Mark Done"),
            h("button.link.activity-edit", { type: "button", onclick: () => editActivity(a) }, icon("clock"), " Edit"),
            h("button.link.activity-cancel", { type: "button", onclick: async () => {
              const sure = await dialog({ title: "Cancel this activity?", text: `"${a.name}" is removed; nothing is logged.`,
                ok: "Cancel activity", cancel: "Keep it", danger: true, id: "cancel-dialog" });
              if (!sure) return;
              await api(`/api/activities/${a.activity}`, { method: "DELETE" });
              bus.dispatchEvent(new Event("activities-changed"));
              loadActivities();
            } }, icon("x"), " Cancel")))))]);
  }

  /** Edit, reschedule, reassign (PATCH /api/activities/{id}: chatter.activity_update). */
  async function editActivity(a) {
    types = types.length ? types : await api("/api/activity_types");
    const values = await dialog({ title: "Edit activity", ok: "Save", id: "edit-activity-dialog", fields: [
      { name: "activity_type", label: "Activity Type", input: h("select.field-input#edit-activity-type",
        types.map((t) => h("option", { value: t.identifier, selected: t.identifier === a.activity_type }, t.name))) },
      { name: "assigned_to", label: "Assigned to", input: h("select.field-input#edit-activity-assignee",
        [...state.users.values()].map((u) => h("option", { value: u.id, selected: u.id === a.assignee }, u.name))) },
      { name: "name", label: "Summary", input: h("input.field-input#edit-activity-summary", { value: a.name, maxLength: 200, required: true }) },
      { name: "deadline", label: "Due Date", input: h("input.field-input#edit-activity-deadline", { type: "date", value: a.deadline, required: true }) },
      { name: "description", label: "Notes", input: h("textarea.field-input#edit-activity-notes", { rows: 3, maxLength: 10000 }, a.description || "") },
    ] });
    if (!values) return;
    try {
      await api(`/api/activities/${a.activity}`, { method: "PATCH", json: { ...values, assigned_to: Number(values.assigned_to) } });
    } catch (err) {
      state.toast("The activity was not changed", err.message, { kind: "error" });
    }
    bus.dispatchEvent(new Event("activities-changed"));
    loadActivities();
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

  // A deleted message leaves the record's feed (Odoo); chat keeps a tombstone (discuss.js).
  const tools = {
    changed: (m) => { replaceShown(feed, m, item); if (m.deleted) loadAttachments(); },
    reply: (m) => replying.set(m),
  };
  const item = (m) => (m.deleted ? null : messageItem(m, tools));
  const feedPage = (before) => api(`/api/records/${model}/${document}/messages`,
    { query: { limit: 100, before_id: before } });
  let day = null;
  let older = null;
  // A page of older messages goes above the "Load older" button, at the bottom of the feed.
  function showPage(messages) {
    for (const m of messages) {
      const shown = item(m);
      if (!shown) continue;
      const label = dayLabel(m.created_at);
      if (label !== day) {
        older.before(h("div.day-separator", h("span", label)));
        day = label;
      }
      older.before(shown);
    }
  }

  async function loadFeed() {
    const [page] = await Promise.all([feedPage(null), loadAttachments()]);
    older = loadOlder(async (before) => {
      const next = await feedPage(before);
      showPage(next.messages);
      return next.next_before_id;
    }, page.next_before_id);
    clear(feed).append(older);
    day = null;
    showPage(page.messages);
  }

  // A message that arrived in a frame (the same shape as the feed's): on top, under its day, once.
  function addMessage(m) {
    if (feed.querySelector(`.message[data-id="${m.id}"]`)) return;
    const first = feed.querySelector(".message");
    if (first && Number(first.dataset.id) > m.id) { refresh(); return; }   // out of order: reload instead
    const label = dayLabel(m.created_at);
    const top = feed.firstElementChild;
    const shown = messageItem(m, tools);
    if (top && top.classList.contains("day-separator") && top.textContent === label) top.after(shown);
    else feed.prepend(h("div.day-separator", h("span", label)), shown);
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
    } else if (d.kind === "record_message_updated" && d.message) {
      replaceShown(feed, d.message, item, { fromFrame: true });
      if (d.message.deleted) loadAttachments();
    }
  }

  state.live.watch(model, document);
  drawSchedule();
  loadFollowers();
  loadActivities();
  loadFeed();
  return { onEvent, reload: loadFeed };
}
