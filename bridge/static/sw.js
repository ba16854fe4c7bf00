// The service worker: shows Web Push notifications and opens what they are about when clicked.
// The push payload is chatter.notification_payload (kind, model, document, message_id, title, body; a chat
// message's also channel_id, channel_name, channel_kind, partner_name): plain text, shown with
// showNotification (which renders no HTML). A click opens the conversation or the record.

function target(p) {
  if (p.channel_id) return `/#/discuss/${p.channel_id}`;
  if (p.model === "sale_orders" && p.document) return `/#/orders/${p.document}`;
  return "/";
}

function title(p) {
  const who = p.title || "pgchatter";
  if (!p.channel_id) return who;
  return p.channel_kind === "Direct" ? `${who} · Direct message` : `${who} · #${p.channel_name}`;
}

self.addEventListener("push", (event) => {
  let p = {};
  try {
    p = event.data ? event.data.json() : {};
  } catch {
    p = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(self.registration.showNotification(title(p), {
    body: p.body || "",
    tag: p.message_id ? `pgchatter-${p.message_id}` : undefined,
    data: { url: target(p) },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin).href;
  event.waitUntil((async () => {
    const tabs = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const tab = tabs.find((t) => new URL(t.url).origin === self.location.origin);
    if (tab) {
      await tab.focus();
      return tab.navigate(url);
    }
    return self.clients.openWindow(url);
  })());
});
