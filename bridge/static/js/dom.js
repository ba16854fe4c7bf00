// Building DOM without innerHTML: every string becomes a text node (textContent), never markup.

/** h("div.card#x", {onclick, title, dataset: {...}}, child, "text", [more]) */
export function h(tag, attrs, ...children) {
  const [, name = "div", rest = ""] = /^([a-z0-9-]*)(.*)$/i.exec(tag);
  const el = document.createElement(name || "div");
  for (const part of rest.match(/[.#][^.#]+/g) || []) {
    if (part[0] === ".") el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  if (attrs && (typeof attrs !== "object" || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "class") el.className = value;
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

const COLORS = ["#017e84", "#714b67", "#e46f78", "#6d8a96", "#c48f34", "#4b8a5b", "#5b6bb8", "#a0522d"];

export function avatar(name, id = 0) {
  const initials = (name || "?").split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join("");
  return h("span.avatar", { style: `background:${COLORS[Math.abs(id || 0) % COLORS.length]}`, title: name || "" },
    initials || "?");
}

export function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const now = new Date();
  const secs = (now - d) / 1000;
  if (secs < 60) return "now";
  if (secs < 3600) return `${Math.floor(secs / 60)} min ago`;
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return d.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function dayLabel(iso) {
  const d = new Date(iso);
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86400000);
  if (d.toDateString() === today.toDateString()) return "Today";
  if (d.toDateString() === yesterday.toDateString()) return "Yesterday";
  return d.toLocaleDateString([], { weekday: "long", month: "long", day: "numeric" });
}

export function icon(name) {
  return h("span.icon", { "aria-hidden": "true" }, ICONS[name] || "•");
}

const ICONS = {
  "fa-phone": "☎", "fa-envelope": "✉", "fa-users": "👥", "fa-check": "✔", "fa-upload": "⇪",
  bell: "🔔", clock: "⏰", clip: "📎", user: "👤", chat: "💬", mail: "✉", close: "✕", plus: "+",
};
