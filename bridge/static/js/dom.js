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

const COLORS = 8;   // .avatar-0 ... .avatar-7 in style.css: a class, since the CSP allows no style attribute

export function avatar(name, id = 0) {
  const initials = (name || "?").split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join("");
  return h(`span.avatar.avatar-${Math.abs(id || 0) % COLORS}`, { title: name || "" }, initials || "?");
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

/** The one timestamp style of the page: relative text ("5 min ago", "14:05", "Dec 6, 09:12"), the full
 *  date and time on hover, the machine-readable value in datetime. */
export function stamp(iso, className = "") {
  if (!iso) return null;
  const d = new Date(iso);
  const full = Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  return h(`time.stamp.muted${className ? `.${className}` : ""}`,
    { datetime: Number.isNaN(d.getTime()) ? "" : d.toISOString(), title: full },
    Number.isNaN(d.getTime()) ? String(iso) : when(iso));
}

/** A body that may be long: collapsed past a few lines, with "Show more" / "Show less". */
export function collapsible(body) {
  const wrap = h("div.collapsible", body);
  const toggle = h("button.link.show-more", { type: "button", hidden: true, onclick: () => {
    const open = wrap.classList.toggle("expanded");
    toggle.textContent = open ? "Show less" : "Show more";
  } }, "Show more");
  // Measured once laid out (a frame later): only bodies taller than the collapsed height get the button.
  requestAnimationFrame(() => {
    if (wrap.scrollHeight > wrap.clientHeight + 4) { wrap.classList.add("collapsed"); toggle.hidden = false; }
  });
  return [wrap, toggle];
}

/** A modal dialog (<dialog>, never window.prompt/confirm): fields, then resolves to the form's values
 *  (an object by field name) or null when dismissed. */
export function dialog({ title, fields = [], text = null, ok = "OK", cancel = "Discard", danger = false, id = null }) {
  return new Promise((resolve) => {
    const form = h("form.dialog-form", { method: "dialog" },
      h("h2.dialog-title", title), text ? h("p.dialog-text", text) : null,
      fields.map((f) => h("label.dialog-field", h("span", f.label), f.input)),
      h("div.dialog-actions",
        h(`button.btn.${danger ? "btn-danger" : "btn-primary"}.dialog-ok`, { type: "submit", value: "ok" }, ok),
        h("button.btn.btn-light.dialog-cancel", { type: "button", onclick: () => box.close("cancel") }, cancel)));
    const box = h("dialog.dialog", id ? { id } : {}, form);
    box.addEventListener("close", () => {
      const values = {};
      for (const f of fields) values[f.name] = f.input.value;
      box.remove();
      resolve(box.returnValue === "ok" ? values : null);
    });
    document.body.append(box);
    box.showModal();
    (fields[0] ? fields[0].input : box.querySelector(".dialog-ok")).focus();
  });
}

export function dayLabel(iso) {
  const d = new Date(iso);
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86400000);
  if (d.toDateString() === today.toDateString()) return "Today";
  if (d.toDateString() === yesterday.toDateString()) return "Yesterday";
  return d.toLocaleDateString([], { weekday: "long", month: "long", day: "numeric" });
}

const SVG = "http://www.w3.org/2000/svg";
// Stroke icons on a 24x24 grid (drawn for this page), built with createElementNS.
const ICONS = {
  bell: [["path", "M6 9a6 6 0 0 1 12 0c0 6 2.5 8 2.5 8h-17S6 15 6 9"], ["path", "M10 20.5a2.2 2.2 0 0 0 4 0"]],
  clock: [["circle", 12, 12, 9], ["path", "M12 7v5l3.5 2"]],
  clip: [["path", "M20 11.5l-8 8a5 5 0 0 1-7-7l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7L9.7 17a1.7 1.7 0 0 1-2.4-2.4l7.5-7.5"]],
  user: [["circle", 12, 8, 4], ["path", "M4 21c0-4 3.6-6 8-6s8 2 8 6"]],
  users: [["circle", 9, 8, 3.5], ["path", "M2.5 20c0-3.5 2.9-5.5 6.5-5.5s6.5 2 6.5 5.5"], ["path", "M16 4.7a3.5 3.5 0 0 1 0 6.6M18 14.8c2.3.6 3.8 2.3 3.8 5.2"]],
  lock: [["path", "M6 11h12v10H6z"], ["path", "M8.5 11V7.5a3.5 3.5 0 0 1 7 0V11"]],
  hash: [["path", "M5 9h14M5 15h14M10 4L8 20M16 4l-2 16"]],
  check: [["path", "M5 12.5l4.5 4.5L19 7"]],
  phone: [["path", "M5 4h3.5l2 5-2.5 1.7a11 11 0 0 0 5.3 5.3L15 13.5l5 2V19a2 2 0 0 1-2 2A15 15 0 0 1 3 6a2 2 0 0 1 2-2z"]],
  mail: [["path", "M3 6h18v13H3z"], ["path", "M3 7l9 6.5L21 7"]],
  upload: [["path", "M12 16V4M7 9l5-5 5 5M4 20h16"]],
  x: [["path", "M6 6l12 12M18 6L6 18"]],
  chat: [["path", "M4 5h16v11H10l-5 4v-4H4z"]],
  plus: [["path", "M12 5v14M5 12h14"]],
};
const TYPE_ICONS = { "fa-phone": "phone", "fa-envelope": "mail", "fa-users": "users", "fa-upload": "upload", "fa-check": "check" };

export function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  for (const [k, v] of Object.entries({ viewBox: "0 0 24 24", width: "1em", height: "1em", fill: "none",
    stroke: "currentColor", "stroke-width": "2", "stroke-linecap": "round", "stroke-linejoin": "round",
    class: "icon", "aria-hidden": "true" })) svg.setAttribute(k, v);
  for (const [tag, ...a] of ICONS[TYPE_ICONS[name] || name] || ICONS.check) {
    const el = document.createElementNS(SVG, tag);
    if (tag === "path") el.setAttribute("d", a[0]);
    else { el.setAttribute("cx", a[0]); el.setAttribute("cy", a[1]); el.setAttribute("r", a[2]); }
    svg.append(el);
  }
  return svg;
}

/** A count for a badge: the database stops counting at 100 (chatter._count_cap), so 100 reads "99+". */
export function countLabel(n) {
  return n >= 100 ? "99+" : String(n);
}
