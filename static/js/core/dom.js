// Building and updating the page from data: text always goes in through textContent
// (putText), never as HTML.
import { putText } from "./messages.js";

// el("li", { class: "q", text: title, "data-id": 3 }, child…): an element from data.
// `text` is put in as text a person wrote (its own direction); false, null and
// undefined attributes are left out; true gives an empty attribute.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") putText(node, value);
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

// A button carrying its action in data-* attributes (`{ action: "give", handId: 3 }`).
export function actionButton(label, data, className = "secondary") {
  const node = el("button", { type: "button", class: className || null, text: label });
  Object.assign(node.dataset, data);
  return node;
}

// Show `text` in `node`, or hide it when there is none.
export function setText(node, text) {
  if (!node) return;
  putText(node, text || "");
  node.hidden = !text;
}

// Say something through a polite live region: emptied first, so saying the same
// sentence twice is heard twice.
export function announcer(region) {
  return (text) => {
    if (!region) return;
    region.textContent = "";
    setTimeout(() => { region.textContent = text; }, 50);
  };
}

// Re-render without losing the keyboard: the focused control (by data-focus-key) keeps focus.
export function keepingFocus(container, render) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.focusKey : null;
  render();
  if (key) {
    const again = container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
}

// Fill an agenda item <select>: its first `keep` options stay (All, General, "the
// current item"…), then every item in agenda order; the choice is kept if still there.
export function fillItemSelect(select, items, keep = 1) {
  const chosen = select.value;
  const fixed = [...select.options].slice(0, keep);
  const options = items.map((item) => el("option", { value: item.id, text: item.title }));
  select.replaceChildren(...fixed, ...options);
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
}

// Show one child of `container` per item, in order, each key keeping its element:
// `make(item)` builds an item's element the first time, `update(element, item)` fills
// it every time. A list rebuilt several times a second (live counts) would replace the
// element under a press between its mouse-down and mouse-up, and the browser then
// sends no click: an upvote lost without a word. Only elements out of place are moved.
const keyOfElement = new WeakMap();

export function keyedList(container, items, keyOf, make, update) {
  const kept = new Map();
  for (const child of [...container.children]) {
    const key = keyOfElement.get(child);
    if (key === undefined || kept.has(key)) child.remove();
    else kept.set(key, child);
  }
  const wanted = items.map((item) => {
    const key = String(keyOf(item));
    let element = kept.get(key);
    if (element) kept.delete(key);
    else { element = make(item); keyOfElement.set(element, key); }
    update(element, item);
    return element;
  });
  kept.forEach((element) => element.remove());
  let cursor = container.firstElementChild;
  for (const element of wanted) {
    if (element === cursor) cursor = cursor.nextElementSibling;
    else container.insertBefore(element, cursor);
  }
}
