// The demo mailbox: what the local SMTP server received from the listener (make run). Live: while it is
// shown, new mails appear by themselves (polled every two seconds, until the view goes).

import { api } from "./api.js";
import { clear, h, icon, stamp } from "./dom.js";
import { sanitize } from "./sanitize.js";
import { state } from "./state.js";

const POLL_MS = 2000;

/** Answer a mail as its recipient would, through the mail gateway (pgchatter mailgate): the answer lands on
 * the record the mail came from, so the loop of a reply by email can be seen closing. */
function replyForm(m, into) {
  const text = h("textarea.reply-text", { rows: 3, placeholder: `Reply as ${m.to}` });
  const status = h("span.muted.reply-status");
  const form = h("form.mail-reply", text, h("div.reply-actions", h("button.btn.btn-primary", { type: "submit" }, "Send reply"), status));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!text.value.trim()) return;
    status.textContent = "Sending…";
    try {
      const answer = await api(`/api/demo/mailbox/${m.id}/reply`, { method: "POST", json: { text: text.value } });
      status.textContent = answer.code === 250 ? "Delivered to the mail gateway: it is on the record now."
        : `Refused by the mail gateway: ${answer.code} ${answer.message}`;
      if (answer.code === 250) text.value = "";
    } catch (err) {
      status.textContent = `Not sent: ${err.message}`;
    }
  });
  clear(into).append(form);
  text.focus();
}

function mail(m) {
  const replyBox = h("div.mail-reply-box");
  return h("article.mail", { dataset: { id: m.id } },
    h("div.mail-head", h("b", m.subject || "(no subject)"), stamp(m.date, "mail-date")),
    h("div.muted", `From ${m.from} to ${m.to}`, m.reply_to ? ` · Reply-To ${m.reply_to}` : ""),
    m.html ? h("div.mail-body", sanitize(m.html)) : h("pre.mail-body", m.text),
    m.attachments.length ? h("div.attachment-chips", m.attachments.map((a) => h("span.chip", icon("clip"), a))) : null,
    h("div.mail-actions", h("button.btn.mail-reply-button", { type: "button", onclick: () => replyForm(m, replyBox) }, "Reply")),
    replyBox);
}

export async function renderMailbox(view) {
  const signal = state.view ? state.view.signal : undefined;   // this view's lifetime (route() aborts it)
  const box = await api("/api/demo/mailbox");
  const note = !box.mailbox ? "No mailbox: start the stack with make run."
    : box.listener ? "Mails the listener delivered to the local SMTP server, newest first. New ones appear live."
      : "No listener is running in this build, so nothing is emailed yet; the outbox keeps the mails.";
  const list = h("div.mailbox#mailbox");
  let shown = null;
  const nodes = new Map();
  function draw(mails) {
    const ids = mails.map((m) => m.id).join(",");
    if (ids === shown) return;
    shown = ids;
    // Mails already shown keep their element: a reply being written survives the mails that arrive.
    const items = mails.map((m) => nodes.get(m.id) || nodes.set(m.id, mail(m)).get(m.id));
    clear(list).append(...(mails.length === 0 ? [h("div.empty", "No mail yet.")] : items));
  }
  clear(view).append(
    h("div.control-panel", h("div.breadcrumb", h("b", "Mailbox")), h("span.muted", note)),
    list);
  draw(box.mails);
  if (!box.mailbox) return;
  const timer = setInterval(async () => {
    const next = await api("/api/demo/mailbox").catch(() => null);
    if (next && !(signal && signal.aborted)) draw(next.mails);
  }, POLL_MS);
  if (signal) signal.addEventListener("abort", () => clearInterval(timer));
}
