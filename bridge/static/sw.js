// The service worker: shows Web Push notifications and opens what they are about when clicked.
// The push payload is chatter.notification_payload (kind, model, document, message_id, title, body): plain
// text, shown with showNotification (which renders no HTML).

function target(p) {
  if (p.model === "sale_orders" && p.document) return `/#/orders/${p.document}`;
  if (p.channel_id) return `/#/discuss/${p.channel_id}`;
  return "/";
}

self.addEventListener("push", (event) => {
  let p = {};
  try {
    p = event.data ? event.data.json() : {};
  } catch {
    p = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(self.registration.showNotification(p.title || "pgchatter", {
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
