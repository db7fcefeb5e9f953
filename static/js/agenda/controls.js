// The moderator's agenda: the strip's Back / Start next item / +2 min, and the agenda
// pane's editor — start another item (asked first), rename and re-time an item, reorder
// by dragging or with the arrow keys on an item's handle, add an item, end the consultation.
import { confirmInPage } from "../core/confirm.js";
import { el } from "../core/dom.js";
import { messages, t } from "../core/messages.js";

export function mountAgendaControls(live, state, { strip, pane }) {
  const c = messages("console");
  const list = pane.querySelector("[data-agenda-items]");
  const announce = pane.querySelector("[data-agenda-announce]");
  const stripError = strip.querySelector("[data-command-error]");
  const paneError = pane.querySelector("[data-agenda-error]");
  let editing = null; // the id of the item whose title and minutes are being edited
  let focusAfter = null; // [item id, which control] to focus once the list is drawn again

  async function send(name, payload, error = stripError) {
    stripError.textContent = "";
    paneError.textContent = "";
    const ack = await live.command(name, payload);
    if (!ack.ok) error.textContent = ack.error.message;
    return ack;
  }

  async function act(button, error) {
    const action = button.dataset.action;
    if (action === "extend_item") {
      const active = state.active();
      if (active) send(action, { item_id: active.id, minutes: Number(button.dataset.minutes) }, error);
    } else if (action === "end_consultation") {
      const sure = await confirmInPage({ title: t("confirm_end"), text: c("end_text"), ok: c("end_ok"), danger: true });
      if (sure) send(action, {}, error);
    } else {
      send(action, {}, error);
    }
  }
  strip.querySelector("[data-agenda-controls]").addEventListener("click", (e) => {
    const button = e.target.closest("[data-action]");
    if (button) act(button, stripError);
  });
  pane.querySelector(".agenda-end").addEventListener("click", (e) => {
    const button = e.target.closest("[data-action]");
    if (button) act(button, paneError);
  });

  // ------------------------------------------------------------------ the list
  function row(item, index) {
    const li = el("li", { "data-item-id": item.id, "data-state": item.state, draggable: editing === null ? "true" : null });
    if (item.state === "active") li.setAttribute("aria-current", "step");
    if (editing === item.id) return editRow(li, item);
    const handle = el("button", {
      type: "button", class: "handle", "data-move": item.id, "aria-label": c("move", { title: item.title }),
      "aria-describedby": "agenda-move-help", "aria-keyshortcuts": "ArrowUp ArrowDown",
    });
    handle.textContent = "⠿";
    const number = el("span", { class: "number", "aria-hidden": "true" });
    number.textContent = `${index + 1}.`;
    // The running item is not a button: there is nothing to start.
    const title = item.state === "active"
      ? el("span", { class: "title", text: item.title })
      : el("button", { type: "button", class: "title", "data-start-item": item.id, text: item.title });
    const minutes = el("span", { class: "minutes" });
    minutes.textContent = t("minutes", { minutes: Math.round((item.planned_minutes * 60 + item.extra_seconds) / 60) });
    const edit = el("button", {
      type: "button", class: "secondary small", "data-edit-item": item.id,
      "aria-label": c("edit_item", { title: item.title }), title: c("edit"),
    });
    edit.textContent = "✎";
    li.append(handle, number, el("div", { class: "title-cell" }, title, minutes), edit);
    return li;
  }

  function editRow(li, item) {
    const form = el("form", { class: "item-edit", "data-item-form": item.id });
    const title = el("input", { name: "title", maxlength: "200", dir: "auto", required: true, "aria-label": c("title") });
    title.value = item.title;
    const minutes = el("input", { name: "minutes", type: "number", min: "1", max: "600", required: true, inputmode: "numeric", "aria-label": c("minutes_field") });
    minutes.value = String(item.planned_minutes);
    const save = el("button", { type: "submit" });
    save.textContent = c("save");
    const cancel = el("button", { type: "button", class: "secondary", "data-cancel-edit": "" });
    cancel.textContent = c("cancel");
    form.append(title, minutes, save, cancel);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const payload = { item_id: item.id };
      if (title.value !== item.title) payload.title = title.value;
      if (Number(minutes.value) !== item.planned_minutes) payload.minutes = Number(minutes.value);
      const ack = payload.title === undefined && payload.minutes === undefined
        ? { ok: true } : await send("update_item", payload, paneError);
      if (ack.ok) stopEditing(item.id);
    });
    form.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); stopEditing(item.id); } });
    cancel.addEventListener("click", () => stopEditing(item.id));
    li.append(form);
    return li;
  }

  function stopEditing(id) {
    editing = null;
    focusAfter = [id, "[data-edit-item]"];
    render();
  }

  function render() {
    const items = state.items();
    list.replaceChildren(...items.map((item, index) => row(item, index)));
    if (focusAfter) {
      const [id, which] = focusAfter;
      const target = list.querySelector(`li[data-item-id="${id}"] ${which}`);
      if (target) { target.focus(); focusAfter = null; }
    }
  }
  // Back and +2 min act on the running item: none running, nothing to press.
  function renderButtons() {
    const running = state.active() !== null;
    const ended = state.ended();
    strip.querySelectorAll("[data-action=previous_item], [data-action=extend_item]").forEach((b) => { b.disabled = !running; });
    pane.querySelectorAll("[data-action=extend_item]").forEach((b) => { b.disabled = !running; });
    strip.querySelector("[data-action=next_item]").disabled = ended;
    pane.querySelector("[data-action=end_consultation]").disabled = ended;
  }
  state.onChange(renderButtons);
  state.onChange(() => {
    // Someone else's change must not throw away what is being typed.
    if (editing !== null && list.querySelector("[data-item-form]")?.contains(document.activeElement)) return;
    render();
  });

  list.addEventListener("click", async (e) => {
    const start = e.target.closest("[data-start-item]");
    const edit = e.target.closest("[data-edit-item]");
    if (edit) {
      editing = Number(edit.dataset.editItem);
      focusAfter = [editing, "input[name=title]"];
      render();
    } else if (start) {
      const item = state.item(Number(start.dataset.startItem));
      const current = state.active();
      const sure = await confirmInPage({
        title: c("jump_title", { title: item.title }),
        text: current ? c("jump_text", { current: current.title }) : c("jump_text_none"),
        ok: c("jump_ok"),
      });
      if (sure) send("start_item", { item_id: item.id }, paneError);
    }
  });

  // Reordering: the new order is sent whole; the list is drawn again from the event.
  function moveTo(id, to) {
    const order = state.items().map((i) => i.id);
    const from = order.indexOf(id);
    if (from < 0 || to < 0 || to >= order.length || to === from) return;
    order.splice(from, 1);
    order.splice(to, 0, id);
    focusAfter = [id, "[data-move]"];
    send("reorder_items", { order }, paneError).then((ack) => {
      if (!ack.ok) return;
      const item = state.item(id);
      announce.textContent = c("moved", { title: item ? item.title : "", position: to + 1, count: order.length });
    });
  }

  list.addEventListener("keydown", (e) => {
    const handle = e.target.closest("[data-move]");
    if (!handle || !["ArrowUp", "ArrowDown", "Home", "End"].includes(e.key)) return;
    e.preventDefault();
    const id = Number(handle.dataset.move);
    const at = state.items().findIndex((i) => i.id === id);
    const last = state.items().length - 1;
    moveTo(id, { ArrowUp: at - 1, ArrowDown: at + 1, Home: 0, End: last }[e.key]);
  });

  let dragged = null;
  list.addEventListener("dragstart", (e) => {
    const li = e.target.closest("li[data-item-id]");
    if (!li) return;
    dragged = Number(li.dataset.itemId);
    li.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", String(dragged));
  });
  const clearMarks = () => list.querySelectorAll(".drop-before, .drop-after, .dragging")
    .forEach((li) => li.classList.remove("drop-before", "drop-after", "dragging"));
  function dropPlace(e) {
    const li = e.target.closest("li[data-item-id]");
    if (!li) return null;
    const box = li.getBoundingClientRect();
    return { li, after: e.clientY > box.top + box.height / 2 };
  }
  list.addEventListener("dragover", (e) => {
    if (dragged === null) return;
    const place = dropPlace(e);
    if (!place) return;
    e.preventDefault();
    list.querySelectorAll(".drop-before, .drop-after").forEach((li) => li.classList.remove("drop-before", "drop-after"));
    place.li.classList.add(place.after ? "drop-after" : "drop-before");
  });
  list.addEventListener("drop", (e) => {
    const place = dropPlace(e);
    if (dragged === null || !place) return;
    e.preventDefault();
    const ids = state.items().map((i) => i.id);
    let to = ids.indexOf(Number(place.li.dataset.itemId)) + (place.after ? 1 : 0);
    if (ids.indexOf(dragged) < to) to -= 1;
    moveTo(dragged, to);
    dragged = null;
    clearMarks();
  });
  list.addEventListener("dragend", () => { dragged = null; clearMarks(); });

  pane.querySelector("[data-agenda-add]").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = e.target;
    const ack = await send("add_item", { title: form.elements.title.value, minutes: Number(form.elements.minutes.value) }, paneError);
    if (ack.ok) { form.elements.title.value = ""; form.elements.title.focus(); }
  });
}
