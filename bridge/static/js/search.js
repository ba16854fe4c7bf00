// Search (chatter.search_messages through GET /api/search): a box whose hits drop down under it, newest
// first, each with its snippet (the matched words in <mark>) and a link to its record or conversation.
// The database decides what a user may find; this only shows it.

import { api } from "./api.js";
import { append, clear, h, when } from "./dom.js";

/** The snippet as nodes: the server sends escaped text with <mark> around matches; it is parsed into an
 *  inert document and rebuilt as text nodes and <mark> elements only, whatever it holds. */
export function snippetNodes(snippet) {
  const doc = new DOMParser().parseFromString(`<body>${snippet || ""}</body>`, "text/html");
  return Array.from(doc.body.childNodes, (node) => (node.nodeName === "MARK"
    ? h("mark", node.textContent) : document.createTextNode(node.textContent)));
}

function hitLink(hit) {
  if (hit.channel_id) return `#/discuss/${hit.channel_id}`;
  if (hit.model === "sale_orders" && hit.document) return `#/orders/${hit.document}`;
  return null;
}

/** searchBox({scope: {model, document} | {channel}, id}): a form; Enter searches, Escape closes. */
export function searchBox({ scope = {}, id = "search", placeholder = "Search messages…" } = {}) {
  const input = h(`input.search-input#${id}-input`, {
    type: "search", placeholder, maxLength: 200, "aria-label": placeholder, autocomplete: "off" });
  const results = h(`div.search-results#${id}-results`, { hidden: true });
  let query = "";

  function hitItem(hit) {
    const m = hit.message;
    const href = hitLink(hit);
    const who = m.author ? m.author.name : (m.from_email || "System");
    return h("div.search-hit", { dataset: { id: hit.message_id } },
      h("div.search-hit-head", h("b", who), " ", h("span.muted", when(m.created_at)),
        href ? h("a.search-hit-open", { href, onclick: () => { results.hidden = true; } }, "Open") : null),
      h("div.search-hit-snippet", snippetNodes(hit.snippet)));
  }

  async function run(beforeId) {
    const page = await api("/api/search", { query: { q: query, ...scope, limit: 20, before_id: beforeId } });
    if (!beforeId) clear(results);
    results.querySelector(".search-more")?.remove();
    if (!beforeId && !page.hits.length) results.append(h("div.search-empty.muted", "No message found."));
    append(results, page.hits.map(hitItem));
    if (page.next_before_id) {
      results.append(h("button.btn.btn-link.search-more", {
        type: "button", onclick: () => run(page.next_before_id) }, "More results"));
    }
    results.hidden = false;
  }

  return h(`form.search-box#${id}`, {
    role: "search",
    onsubmit: (event) => {
      event.preventDefault();
      query = input.value.trim();
      if (!query) { results.hidden = true; return; }
      run(null);
    },
    onkeydown: (event) => { if (event.key === "Escape") { results.hidden = true; input.blur(); } },
  }, input, results);
}
