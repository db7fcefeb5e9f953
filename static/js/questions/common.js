// The question queue as every page holds it: the questions one may see, their
// vote counts, the pinned one, the settings. Pages render from this state; the
// sentences they show come from data-* attributes of their template, so this
// module only ever fills in data (always with textContent). The agenda (items,
// the running one) is the page's one store's.
import { keyedList } from "../core/dom.js";
import { messages, putText } from "../core/messages.js";

// Event types that carry a question view to upsert, and those that take it out.
const UPSERT = ["question_asked", "question_approved", "question_edited", "question_pinned",
  "question_answered", "question_reopened", "question_dismissed", "question_archived"];

export function createQueue(live, state, { keep }) {
  const questions = new Map();
  const counts = new Map();
  const listeners = [];
  let settings = null;
  let pinnedId = null;
  let snapshotQuestions = null;

  const changed = (reason) => listeners.forEach((fn) => fn(reason));

  function upsert(view) {
    if (keep(view)) questions.set(view.id, { ...questions.get(view.id), ...view });
    else questions.delete(view.id);
    if (view.pinned) pinnedId = view.id;
    else if (pinnedId === view.id) pinnedId = null;
  }

  live.onSnapshot((snap) => {
    const part = snap.questions;
    snapshotQuestions = part;
    questions.clear();
    counts.clear();
    part.list.forEach((view) => { counts.set(view.id, view.votes); upsert(view); });
    pinnedId = part.pinned_id;
    settings = part.settings;
    changed({ kind: "snapshot" });
  });
  UPSERT.forEach((type) => live.on(type, (data) => {
    const isNew = !questions.has(data.question.id);
    if (type === "question_pinned" && questions.has(data.previous_id)) {
      questions.get(data.previous_id).pinned = false;
    }
    upsert(data.question);
    changed({ kind: type, question: data.question, isNew: isNew && questions.has(data.question.id) });
  }));
  live.on("question_unpinned", ({ question_id }) => {
    if (questions.has(question_id)) questions.get(question_id).pinned = false;
    if (pinnedId === question_id) pinnedId = null;
    changed({ kind: "question_unpinned" });
  });
  live.on("questions_merged", (data) => {
    upsert(data.question);
    upsert(data.into);
    changed({ kind: "questions_merged", question: data.question });
  });
  live.on("participant_banned", ({ hidden = [] }) => {
    hidden.forEach((id) => questions.delete(id));
    changed({ kind: "participant_banned" });
  });
  live.on("participant_unbanned", ({ restored = [] }) => {
    restored.forEach(upsert);
    changed({ kind: "participant_unbanned" });
  });
  for (const type of ["question_settings_changed", "questions_opened", "questions_closed"]) {
    live.on(type, (data) => { settings = data.settings; changed({ kind: type }); });
  }
  // The snapshot is told by the queue's own snapshot handler, with its part.
  state.onChange((kind) => { if (kind !== "snapshot") changed({ kind: "agenda" }); });
  live.onState("question_votes", ({ counts: fresh }) => {
    Object.entries(fresh).forEach(([id, n]) => counts.set(Number(id), n));
    changed({ kind: "votes" });
  });
  // Vote counts are state, not events: after a reconnect, ask for them afresh.
  let wasDown = false;
  live.onStatus((status) => {
    if (status === "reconnecting") wasDown = true;
    if (status === "live" && wasDown) {
      wasDown = false;
      live.command("question_counts").then((ack) => {
        if (!ack.ok) return;
        Object.entries(ack.counts).forEach(([id, n]) => counts.set(Number(id), n));
        changed({ kind: "votes" });
      });
    }
  });

  return {
    onChange(fn) { listeners.push(fn); },
    all: () => [...questions.values()],
    get: (id) => questions.get(id),
    votes: (id) => counts.get(id) || 0,
    pinned: () => (pinnedId === null ? null : questions.get(pinnedId) || null),
    settings: () => settings,
    items: state.items,
    activeItemId: state.activeItemId,
    itemTitle(id) { const item = state.item(id); return item ? item.title : null; },
    snapshotPart: () => snapshotQuestions,
    changed,
  };
}

// What every page's part starts from: its root, a finder, its sentences, its queue.
export function setUp(live, state, keep) {
  const root = document.querySelector("[data-questions]");
  if (!root) return null;
  return { root, $: (sel) => root.querySelector(sel), t: messages("questions"), queue: createQueue(live, state, { keep }) };
}

export const isPublic = (q) => q.state === "approved" || q.state === "answered";

// Tabs by state: mark the chosen one and count what each holds.
export function renderTabs(root, tabs, chosen, all) {
  root.querySelectorAll("[data-q-tab]").forEach((button) => {
    const n = all.filter((q) => tabs[button.dataset.qTab].includes(q.state)).length;
    button.querySelector("[data-q-tab-count]").textContent = `(${n})`;
    button.setAttribute("aria-selected", String(button.dataset.qTab === chosen));
    button.tabIndex = button.dataset.qTab === chosen ? 0 : -1; // one Tab stop; arrows move within
  });
}

// The tabs pattern: arrows (mirrored right to left), Home and End choose a tab.
export function tabKeys(root) {
  const list = root.querySelector("[role=tablist]");
  list.addEventListener("keydown", (e) => {
    const tabs = [...list.querySelectorAll("[role=tab]")];
    const at = tabs.indexOf(e.target);
    if (at < 0) return;
    const forward = document.dir === "rtl" ? "ArrowLeft" : "ArrowRight";
    const back = document.dir === "rtl" ? "ArrowRight" : "ArrowLeft";
    const to = { [forward]: (at + 1) % tabs.length, [back]: (at - 1 + tabs.length) % tabs.length,
      Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    tabs[to].focus();
    tabs[to].click();
  });
}

export function votesLabel(t, n) {
  return n === 1 ? t("voteOne") : t("votesMany", { n });
}

// Popular: most votes first, older first among equals. Recent: newest first.
export function sortQuestions(list, mode, votes) {
  const byTime = (a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id;
  return list.slice().sort(mode === "recent" ? (a, b) => byTime(b, a) : (a, b) => votes(b.id) - votes(a.id) || byTime(a, b));
}

export function matchesItem(question, filter) {
  if (filter === "") return true;
  if (filter === "none") return question.item_id === null;
  return question.item_id === Number(filter);
}

// The questions in `container`, each from the page's <template data-q-template> and
// kept from one render to the next (keyedList): counts move several times a second.
// `fill(node, slot, view)` writes the page's own slots; slots are data-* hooks.
export function renderQuestions(container, template, views, fill) {
  keyedList(container, views, (view) => view.id, () => template.content.firstElementChild.cloneNode(true), (node, view) => {
    node.dataset.questionId = view.id;
    node.dataset.state = view.state;
    if (view.pinned) node.dataset.pinned = "true";
    else delete node.dataset.pinned;
    const slot = (name) => node.querySelector(`[data-slot="${name}"]`);
    putText(slot("text"), view.text);
    fill(node, slot, view);
  });
}
