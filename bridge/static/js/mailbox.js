// The demo mailbox: what the local SMTP server received from the listener (make run).

import { api } from "./api.js";
import { clear, h, icon } from "./dom.js";
import { sanitize } from "./sanitize.js";

export async function renderMailbox(view) {
  const box = await api("/api/demo/mailbox");
  const note = !box.mailbox ? "No mailbox: start the stack with make run."
    : box.listener ? "Mails the listener delivered to the local SMTP server, newest first."
      : "No listener is running in this build, so nothing is emailed yet; the outbox keeps the mails.";
  clear(view).append(
    h("div.control-panel", h("div.breadcrumb", h("b", "Mailbox")), h("span.muted", note),
      h("button.btn.btn-light", { type: "button", onclick: () => renderMailbox(view) }, "Refresh")),
    h("div.mailbox#mailbox", box.mails.length === 0 ? h("div.empty", "No mail yet.") : box.mails.map((m) =>
      h("article.mail", { dataset: { id: m.id } },
        h("div.mail-head", h("b", m.subject || "(no subject)"), h("span.muted", m.date)),
        h("div.muted", `From ${m.from} to ${m.to}`),
        m.html ? h("div.mail-body", sanitize(m.html)) : h("pre.mail-body", m.text),
        m.attachments.length ? h("div.attachment-chips", m.attachments.map((a) => h("span.chip", icon("clip"), a))) : null))));
}
