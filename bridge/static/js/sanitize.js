// Client-side HTML sanitizer (the bridge already cleans every body with nh3; this is the second wall).
// The untrusted HTML is parsed by DOMParser into an inert document (no scripts run, nothing loads),
// then rebuilt node by node with createElement/createTextNode from an allowlist. No innerHTML anywhere.

import { mentionSpans } from "./mentions.js";

const ALLOWED = new Set([
  "p", "br", "b", "strong", "i", "em", "u", "s", "ul", "ol", "li", "a", "blockquote", "code", "pre",
  "span", "div", "h1", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "td", "th", "hr", "small",
  "details", "summary", "img",
]);
// The only images kept: a message's own files (an email's inline images, cid: links the gateway pointed at
// the stored file). They load with the user's token (lifecycle.js inlineImages), never by URL.
const ATTACHMENT_SRC = /^\/api\/attachments\/([0-9]{1,18})$/;
const DROP_WITH_CONTENT = new Set(["script", "style", "template", "iframe", "object", "embed", "noscript",
  "svg", "math", "textarea", "select", "title", "head"]);

function safeHref(value) {
  if (!value || !value.trim()) return null;
  try {
    const url = new URL(value, window.location.origin);
    return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function textWithMentions(text) {
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const [start, end] of mentionSpans(text)) {   // the database's grammar (mentions.js)
    frag.append(document.createTextNode(text.slice(last, start)));
    const span = document.createElement("span");
    span.className = "mention";
    span.textContent = text.slice(start, end);
    frag.append(span);
    last = end;
  }
  frag.append(document.createTextNode(text.slice(last)));
  return frag;
}

function copy(node, into, depth) {
  if (depth > 50) return;
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      into.append(textWithMentions(child.data));
    } else if (child.nodeType === Node.ELEMENT_NODE) {
      const tag = child.localName;
      if (DROP_WITH_CONTENT.has(tag)) continue;
      if (!ALLOWED.has(tag)) {           // unknown element: keep its text, lose the element
        copy(child, into, depth + 1);
        continue;
      }
      if (tag === "img") {
        const id = ATTACHMENT_SRC.exec(child.getAttribute("src") || "");
        if (id) {
          const img = document.createElement("img");
          img.dataset.attachment = id[1];
          img.alt = "inline image";
          into.append(img);
        }
        continue;
      }
      const el = document.createElement(tag);
      if (tag === "a") {
        const href = safeHref(child.getAttribute("href") || "");
        if (href) {
          el.setAttribute("href", href);
          el.setAttribute("target", "_blank");
          el.setAttribute("rel", "noopener noreferrer nofollow");
        }
      }
      copy(child, el, depth + 1);
      into.append(el);
    }
  }
}

/** A DocumentFragment holding only allowlisted elements and text built from `html`. */
export function sanitize(html) {
  const doc = new DOMParser().parseFromString(`<body>${html ?? ""}</body>`, "text/html");
  const frag = document.createDocumentFragment();
  copy(doc.body, frag, 0);
  return frag;
}

/** Plain text of some HTML (for previews): parsed inertly, read with textContent. */
export function toText(html) {
  return new DOMParser().parseFromString(html ?? "", "text/html").body.textContent || "";
}

/** The HTML body of what a user typed: text escaped, line breaks kept. */
export function textToHtml(text) {
  const p = document.createElement("p");
  text.split("\n").forEach((line, i) => {
    if (i) p.append(document.createElement("br"));
    p.append(document.createTextNode(line));
  });
  const wrap = document.createElement("div");
  wrap.append(p);
  return wrap.innerHTML;   // serializing our own escaped text nodes, never parsing input
}
