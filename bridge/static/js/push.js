// Web Push for this browser: the service worker (/sw.js) and the subscription the listener sends to.

import { api } from "./api.js";

export const pushSupported = () => "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

/** Registers the service worker (it shows pushes); resolves to its registration, or null. */
export async function registerWorker() {
  if (!pushSupported()) return null;
  return navigator.serviceWorker.register("/sw.js", { scope: "/" });
}

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (base64url.length % 4)) % 4));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** Whether this browser already has a subscription for the logged-in user. */
export async function pushEnabled() {
  const registration = await registerWorker();
  return Boolean(registration && await registration.pushManager.getSubscription());
}

/** Asks for permission, subscribes with the bridge's VAPID key and registers the subscription. Throws with a
 * reason a person can act on. */
export async function enablePush() {
  const { public_key: key } = await api("/api/push/vapid_public_key");
  if (!key) throw new Error("this server has no VAPID key (CHATTER_VAPID_PUBLIC_KEY)");
  if (await Notification.requestPermission() !== "granted") throw new Error("notifications are blocked for this site");
  const registration = await registerWorker();
  await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.getSubscription()
    || await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  await api("/api/push/subscriptions", { method: "POST", json: subscription.toJSON() });
}
