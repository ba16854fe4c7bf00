// A text composer with @mention suggestions (from /api/users) and optional attachments.

import { api } from "./api.js";
import { avatar, clear, h, icon } from "./dom.js";
import { MENTION_TYPING } from "./mentions.js";
import { textToHtml } from "./sanitize.js";
import { state } from "./state.js";

/**
 * composer({placeholder, onSend(html, attachmentIds), attach: {model, document} | null, buttonLabel, enterSends})
 * enterSends (chat): Enter sends, Shift+Enter adds a line; otherwise (a record's chatter, where messages
 * are longer) Enter adds a line and Ctrl+Enter sends. A hint under the box says which.
 * returns {el, focus(), setPlaceholder(text), setButton(text)}
 */
export function composer({ placeholder, onSend, attach = null, buttonLabel = "Send", className = "", enterSends = false }) {
  const input = h("textarea.composer-input", { rows: 2, placeholder });
  const suggestions = h("div.mention-list", { hidden: true, role: "listbox" });
  const chips = h("div.attachment-chips");
  const files = [];
  let choices = [];
  let active = 0;

  const button = h("button.btn.btn-primary.composer-send", { type: "button" }, buttonLabel);

  function mentionQuery() {
    const upto = input.value.slice(0, input.selectionStart);
    const m = MENTION_TYPING.exec(upto);   // the database's @username grammar, partly typed
    return m ? m[2] : null;
  }

  function pick(user) {
    const caret = input.selectionStart;
    const typed = MENTION_TYPING.exec(input.value.slice(0, caret));
    const upto = input.value.slice(0, caret - (typed ? typed[2].length + 1 : 0)) + `@${user.username} `;
    input.value = upto + input.value.slice(caret);
    input.setSelectionRange(upto.length, upto.length);
    suggestions.hidden = true;
    input.focus();
  }

  function showChoices() {
    clear(suggestions);
    suggestions.hidden = choices.length === 0;
    choices.forEach((u, i) => suggestions.append(
      h(`div.mention-choice${i === active ? ".active" : ""}`, { role: "option", dataset: { username: u.username },
        onmousedown: (e) => { e.preventDefault(); pick(u); } },
      avatar(u.name, u.id), h("b", u.name), h("small.muted", ` @${u.username}`))));
  }

  let seq = 0;
  input.addEventListener("input", async () => {
    const q = mentionQuery();
    if (q === null) { suggestions.hidden = true; choices = []; return; }
    const mine = ++seq;
    const found = await api("/api/users", { query: { q, limit: 8 } });
    if (mine !== seq) return;
    choices = found;
    active = 0;
    showChoices();
  });
  input.addEventListener("keydown", (e) => {
    if (!suggestions.hidden && choices.length) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        active = (active + (e.key === "ArrowDown" ? 1 : choices.length - 1)) % choices.length;
        showChoices();
        e.preventDefault();
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") { pick(choices[active]); e.preventDefault(); return; }
      if (e.key === "Escape") { suggestions.hidden = true; return; }
    }
    if (e.key === "Enter" && !e.isComposing && (e.ctrlKey || e.metaKey || (enterSends && !e.shiftKey))) {
      e.preventDefault();
      send();
    }
  });
  input.addEventListener("blur", () => setTimeout(() => { suggestions.hidden = true; }, 150));

  let fileInput = null;
  if (attach) {
    fileInput = h("input.file-input", { type: "file", multiple: true, hidden: true, onchange: async () => {
      for (const file of fileInput.files) {
        const form = new FormData();
        form.append("file", file);
        form.append("model", attach.model);
        form.append("document", String(attach.document));
        const info = await api("/api/attachments", { method: "POST", form });
        files.push(info);
        const chip = h("span.chip", { dataset: { attachment: info.id } }, icon("clip"), info.name,
          h("button.chip-x", { type: "button", title: "Remove", onclick: () => {
            files.splice(files.indexOf(info), 1);
            chip.remove();
          } }, icon("x")));
        chips.append(chip);
      }
      fileInput.value = "";
    } });
  }

  async function send() {
    const text = input.value.trim();
    if (!text && files.length === 0) return;
    button.disabled = true;
    try {
      await onSend(text ? textToHtml(text) : "", files.map((f) => f.id));
      input.value = "";
      files.length = 0;
      clear(chips);
    } catch (err) {   // not sent: what was typed stays, and the reason is said
      state.toast("Not sent", err.message, { kind: "error" });
    } finally {
      button.disabled = false;
      input.focus();
    }
  }
  button.addEventListener("click", send);

  const el = h(`div.composer${className ? `.${className}` : ""}`,
    h("div.composer-box", input, suggestions, chips,
      h("div.composer-actions",
        fileInput, attach ? h("button.btn.btn-light.attach-button", { type: "button", title: "Attach files",
          onclick: () => fileInput.click() }, icon("clip")) : null,
        h("small.muted.composer-hint", enterSends ? "Enter to send · Shift+Enter for a new line"
          : "Ctrl+Enter to send"),
        button)));
  return {
    el, input,
    focus: () => input.focus(),
    setPlaceholder: (text) => { input.placeholder = text; },
    setButton: (text) => { button.textContent = text; },
  };
}
