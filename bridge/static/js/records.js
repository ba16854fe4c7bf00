// The demo's Sales Orders: a list, and a form with its chatter beside it. Changes are plain UPDATEs
// (through /api/demo/orders), so the database's tracking writes the feed entries.

import { api, ApiError } from "./api.js";
import { clear, h } from "./dom.js";
import { bus, state } from "./state.js";
import { chatterPanel } from "./chatter.js";

const money = (v) => Number(v).toLocaleString([], { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const stateClass = (s) => `state-${s.toLowerCase().replace(/\s+/g, "-")}`;

export async function renderOrders(view) {
  const { orders } = await api("/api/demo/orders");
  clear(view).append(
    h("div.control-panel", h("div.breadcrumb", h("b", "Sales Orders")), h("span.muted", `${orders.length} records`)),
    h("div.sheet-list", h("table.list",
      h("thead", h("tr", ["Number", "Customer", "Salesperson", "Order Date", "Total", "Status"].map((t) =>
        h(t === "Total" ? "th.num" : "th", t)))),
      h("tbody", orders.map((o) => h("tr.order-row", { dataset: { id: o.id, name: o.name },
        onclick: () => { window.location.hash = `#/orders/${o.id}`; } },
      h("td", h("b", o.name)), h("td", o.customer || ""), h("td", o.salesperson || ""), h("td", o.order_date),
      h("td.num", money(o.amount_total)), h("td", h(`span.pill.${stateClass(o.state)}`, o.state))))))));
}

export async function renderOrder(view, id) {
  const signal = state.view ? state.view.signal : undefined;   // this view's lifetime (route() aborts it)
  const [order, { states }] = await Promise.all([api(`/api/demo/orders/${id}`), api("/api/demo/orders")]);
  const formBox = h("div.form-sheet");
  const chatterBox = h("aside.chatter-column");
  clear(view).append(
    h("div.control-panel",
      h("div.breadcrumb", h("a", { href: "#/orders" }, "Sales Orders"), h("span.sep", " / "), h("b#record-name", order.name))),
    h("div.form-layout", formBox, chatterBox));

  state.current = { model: "sale_orders", document: id };
  const panel = chatterPanel(chatterBox, "sale_orders", id);

  let current = order;
  // A refused change is reverted (the form is redrawn from the record as it is) and the field says why.
  const patch = async (change) => {
    try {
      current = await api(`/api/demo/orders/${id}`, { method: "PATCH", json: change });
      drawForm();
    } catch (err) {
      drawForm();
      if (!(err instanceof ApiError) || !err.fields.length) throw err;
      for (const f of err.fields) {
        const column = f.field.split(".").pop();
        const field = formBox.querySelector(`[data-column="${column}"]`);
        if (!field) { state.toast("Not saved", err.message, { kind: "error" }); continue; }
        field.classList.add("invalid");
        field.append(h("div.field-error", { role: "alert" }, `Not saved: ${f.message.replace(/^Input should be/, "must be")}`));
      }
    }
  };

  function drawForm() {
    const o = current;
    const salespeople = [...state.users.values()];
    const amount = h("input.field-input#field-amount", { type: "number", step: "0.01", min: "0", value: o.amount_total });
    amount.addEventListener("change", () => patch({ amount_total: Number(amount.value).toFixed(2) }));
    clear(formBox).append(
      h("div.statusbar",
        h("div.statusbar-buttons",
          h("button.btn.btn-primary", { type: "button", hidden: o.state !== "Quotation",
            onclick: () => patch({ state: "Quotation Sent" }) }, "Send by Email"),
          h("button.btn.btn-light", { type: "button", hidden: !["Quotation", "Quotation Sent"].includes(o.state),
            onclick: () => patch({ state: "Sales Order" }) }, "Confirm")),
        h("div.statusbar-states#statusbar", states.filter((s) => s !== "Cancelled" || o.state === "Cancelled").map((s) =>
          h(`button.status${s === o.state ? ".current" : ""}`, { type: "button", dataset: { state: s },
            onclick: () => { if (s !== current.state) patch({ state: s }); } }, s)))),
      h("div.sheet",
        h("div.sheet-title", h("small.muted", "Sales Order"), h("h1", o.name)),
        h("div.fields",
          h("div.field", h("label", "Customer"), h("div.field-value#field-customer", o.customer || "")),
          h("div.field", h("label", "Order Date"), h("div.field-value", o.order_date)),
          h("div.field", { dataset: { column: "salesperson_id" } }, h("label", { for: "field-salesperson" }, "Salesperson"),
            h("select.field-input#field-salesperson", { onchange: (e) => patch({ salesperson_id: Number(e.target.value) }) },
              salespeople.map((u) => h("option", { value: u.contact_id, selected: u.contact_id === o.salesperson_id }, u.name)))),
          h("div.field", { dataset: { column: "amount_total" } }, h("label", { for: "field-amount" }, "Total"), amount),
          h("div.field", h("label", "Status"), h(`div.field-value#field-state`, h(`span.pill.${stateClass(o.state)}`, o.state)))),
        h("table.lines", h("thead", h("tr", h("th", "Product"), h("th.num", "Quantity"), h("th.num", "Amount"))),
          h("tbody", h("tr", h("td", "[FURN_8220] Office desk"), h("td.num", "2.00"), h("td.num", money(o.amount_total))))),
        h("div.total", "Total: ", h("b", money(o.amount_total)))));
  }
  drawForm();

  // Someone else changed this record (or posted on it): fields and feed follow.
  const onRecord = async (event) => {
    const d = event.detail;
    if (d.model !== "sale_orders" || (d.document !== id && !(d.documents || []).includes(id))) return;
    if (d.kind === "record_changed") {
      current = await api(`/api/demo/orders/${id}`);
      drawForm();
    }
    panel.onEvent(d);
  };
  bus.addEventListener("record", onRecord, { signal });
}
