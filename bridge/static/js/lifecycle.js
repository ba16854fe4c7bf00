// Messages that live (issue 21), for the record feed and chat alike: the quoted parent of a reply,
// "(edited)", reactions with their counts, the actions of a message (reply, react, star, and for its
// author edit and delete), a shown message replaced when it changes, "Load older", the Starred box.
// Every rule is the database's: the page offers edit and delete to the author only for convenience, and
// shows whatever the API answers.

import { api, attachmentUrl } from "./api.js";
import { append, avatar, clear, dialog, h, stamp } from "./dom.js";
import { sanitize, textToHtml } from "./sanitize.js";
import { state } from "./state.js";

export const EMOJIS = ["👍", "❤️", "😄", "🎉"];
const DELETED = "This message was deleted";

function contactNames(ids) {
  return ids.map((id) => (state.usersByContact.get(id) || { name: `contact #${id}` }).name).join(", ");
}

/** The replied-to message, quoted above a reply. */
export function parentQuote(m) {
  if (!m.parent) return null;
  return h("blockquote.message-parent", { dataset: { parent: m.parent.id } },
    h("b.message-parent-author", m.parent.author || "Someone"), " ",
    m.parent.deleted ? h("i.muted", DELETED) : h("span.message-parent-text", m.parent.excerpt));
}

export function editedTag(m) {
  return m.edited && !m.deleted ? h("span.muted.message-edited", { title: m.edited_at }, "(edited)") : null;
}

/** The body of a message: its sanitized HTML, or the tombstone of a deleted one. */
export function messageBody(m) {
  if (m.deleted) return h("div.message-body.message-deleted", h("i.muted", DELETED));
  const body = h("div.message-body", sanitize(m.body));
  inlineImages(body);
  return body;
}

/** An email's inline images: its stored files, fetched with the user's token (an <img src> has none). */
function inlineImages(body) {
  for (const img of body.querySelectorAll("img[data-attachment]")) {
    attachmentUrl(img.dataset.attachment).then((url) => { img.src = url; }).catch(() => { img.alt = "(image unavailable)"; });
  }
}

/**
 * Reactions and actions of a message. `changed(m)` receives the message as the API answers after an
 * action (the renderer replaces the shown one); `reply(m)` starts a reply.
 */
export function messageTools(m, { changed, reply }) {
  if (m.deleted) return null;
  const act = async (path, options) => {
    try {
      changed(await api(`/api/messages/${m.id}${path}`, options));
    } catch (err) {
      state.toast("Not done", err.message, { kind: "error" });
    }
  };
  const reactions = h("div.reactions", (m.reactions || []).map((r) => {
    const mine = r.contacts.includes(state.me.contact_id);
    return h(`button.reaction${mine ? ".mine" : ""}`, {
      type: "button", title: contactNames(r.contacts), dataset: { emoji: r.emoji },
      onclick: () => (mine ? act("/reactions", { method: "DELETE", query: { emoji: r.emoji } })
        : act("/reactions", { method: "POST", json: { emoji: r.emoji } })),
    }, r.emoji, " ", h("span.reaction-count", String(r.count)));
  }));
  const picker = h("span.emoji-picker", { hidden: true }, EMOJIS.map((e) => h("button.link.emoji-choice", {
    type: "button", dataset: { emoji: e }, onclick: () => act("/reactions", { method: "POST", json: { emoji: e } }) }, e)));
  const mineToEdit = m.author && m.author.id === state.me.contact_id && m.message_type !== "Tracking";
  const actions = h("div.message-actions",
    h("button.link.message-reply", { type: "button", title: "Reply", onclick: () => reply(m) }, "Reply"),
    h("button.link.message-react", { type: "button", title: "Add a reaction",
      onclick: () => { picker.hidden = !picker.hidden; } }, "☺+"), picker,
    h(`button.link.message-star${m.starred ? ".starred" : ""}`, { type: "button", title: m.starred ? "Unstar" : "Star",
      onclick: () => act("/star", { method: m.starred ? "DELETE" : "PUT" }) }, m.starred ? "★" : "☆"),
    mineToEdit ? h("button.link.message-edit", { type: "button", title: "Edit",
      onclick: (event) => startEdit(event.target.closest("[data-id]"), m, changed) }, "Edit") : null,
    mineToEdit ? h("button.link.message-delete", { type: "button", title: "Delete", onclick: async () => {
      const sure = await dialog({ title: "Delete this message?", text: "Its files go with it; this cannot be undone.",
        ok: "Delete", cancel: "Keep it", danger: true, id: "delete-message-dialog" });
      if (sure) act("", { method: "DELETE" });
    } }, "Delete") : null);
  return [reactions, actions];
}

/** Edit in place: the body becomes a text box with Save and Cancel. */
function startEdit(el, m, changed) {
  const body = el && el.querySelector(".message-body");
  if (!body || el.querySelector(".message-editor")) return;
  const input = h("textarea.field-input.message-editor-input", { rows: 3 });
  input.value = body.innerText.trim();
  const editor = h("div.message-editor", input, h("div.form-actions",
    h("button.btn.btn-primary.message-save", { type: "button", onclick: async () => {
      try {
        changed(await api(`/api/messages/${m.id}`, { method: "PATCH", json: { body: textToHtml(input.value.trim()) } }));
      } catch (err) {
        state.toast("Not saved", err.message, { kind: "error" });
      }
    } }, "Save"),
    h("button.btn.btn-light", { type: "button", onclick: () => { editor.remove(); body.hidden = false; } }, "Cancel")));
  body.hidden = true;
  body.after(editor);
  input.focus();
}

/**
 * Replace a shown message by its new state. A relayed frame acts for no one, so its `starred` is not
 * the reader's: the shown one is kept. Returns whether the message was shown.
 */
export function replaceShown(container, m, render, { fromFrame = false } = {}) {
  const old = container.querySelector(`[data-id="${m.id}"]`);
  if (!old) return false;
  if (fromFrame) m = { ...m, starred: old.dataset.starred === "true" };
  const next = render(m);
  if (next) old.replaceWith(next);
  else old.remove();
  return true;
}

/** "Replying to …" above a composer: set(m) by a reply button, get() the parent id for the post. */
export function replyTarget(focus) {
  let parent = null;
  const el = h("div.reply-target", { hidden: true });
  const set = (m) => {
    parent = m;
    clear(el).hidden = m === null;
    if (m === null) return;
    append(el, [h("span", "Replying to ", h("b", m.author ? m.author.name : "Someone")), " ",
      h("button.link.reply-cancel", { type: "button", onclick: () => set(null) }, "cancel")]);
    focus();
  };
  return { el, set, get: () => (parent ? parent.id : null) };
}

/** A "Load older" button: fetchPage(before_id) shows a page and returns its next_before_id. */
export function loadOlder(fetchPage, before) {
  const button = h("button.btn.btn-light.load-older", { type: "button", hidden: before === null }, "Load older");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      before = await fetchPage(before);
      button.hidden = before === null;
    } finally {
      button.disabled = false;
    }
  });
  button.setBefore = (next) => { before = next; button.hidden = next === null; };
  return button;
}

/** The Starred box: the acting user's starred messages they may still read, newest first. */
export async function renderStarred(view) {
  const { messages } = await api("/api/starred", { query: { limit: 100 } });
  const where = (m) => (m.channel_id ? { href: `#/discuss/${m.channel_id}`, text: "in Discuss" }
    : m.model === "sale_orders" ? { href: `#/orders/${m.document}`, text: `on ${m.model} #${m.document}` }
      : { href: null, text: m.model ? `on ${m.model} #${m.document}` : "" });
  const box = h("div.starred#starred");
  const draw = (list) => append(clear(box), [list.length === 0 ? h("div.empty", "No starred messages: star one with ☆.")
    : list.map((m) => {
      const place = where(m);
      const who = m.author ? m.author.name : (m.from_email || "System");
      return h("article.starred-message.message", { dataset: { id: m.id, starred: "true" } },
        avatar(who, m.author ? m.author.id : 0),
        h("div.message-main",
          h("div.message-head", h("b.message-author", who), stamp(m.created_at, "message-time"),
            place.href ? h("a.starred-where", { href: place.href }, place.text) : h("span.muted", place.text),
            h("button.link.message-star.starred", { type: "button", title: "Unstar", onclick: async () => {
              await api(`/api/messages/${m.id}/star`, { method: "DELETE" });
              draw(list.filter((x) => x.id !== m.id));
            } }, "★")),
          messageBody(m)));
    })]);
  draw(messages);
  clear(view).append(h("div.control-panel", h("div.breadcrumb", h("b", "Starred"))), box);
}
