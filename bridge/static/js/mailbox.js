// The demo mailbox: what the local SMTP server received from the listener (make run). Live: while it is
// shown, new mails appear by themselves (polled every two seconds, until the view goes).

import { api } from "./api.js";
import { clear, h, icon, stamp } from "./dom.js";
import { sanitize } from "./sanitize.js";
import { state } from "./state.js";

const POLL_MS = 2000;

function mail(m) {
  return h("article.mail", { dataset: { id: m.id } },
    h("div.mail-head", h("b", m.subject || "(no subject)"), stamp(m.date, "mail-date")),
    h("div.muted", `From ${m.from} to ${m.to}`),
    m.html ? h("div.mail-body", sanitize(m.html)) : h("pre.mail-body", m.text),
    m.attachments.length ? h("div.attachment-chips", m.attachments.map((a) => h("span.chip", icon("clip"), a))) : null);
}

export async function renderMailbox(view) {
  const signal = state.view ? state.view.signal : undefined;   // this view's lifetime (route() aborts it)
  const box = await api("/api/demo/mailbox");
  const note = !box.mailbox ? "No mailbox: start the stack with make run."
    : box.listener ? "Mails the listener delivered to the local SMTP server, newest first. New ones appear live."
      : "No listener is running in this build, so nothing is emailed yet; the outbox keeps the mails.";
  const list = h("div.mailbox#mailbox");
  let shown = null;
  function draw(mails) {
    const ids = mails.map((m) => m.id).join(",");
    if (ids === shown) return;
    shown = ids;
    clear(list).append(...(mails.length === 0 ? [h("div.empty", "No mail yet.")] : mails.map(mail)));
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
