// Questions on the moderator console: the queues by state, one-click and keyboard
// actions on the focused question, bulk approval, live settings.
import {
  matchesItem, renderQuestions, renderTabs, setUp, sortQuestions, tabKeys, votesLabel,
} from "./common.js";
import { confirmInPage } from "../core/confirm.js";
import { announcer, fillItemSelect, setText } from "../core/dom.js";
import { isolate, putText } from "../core/messages.js";

// Mirrors ALLOWED_FROM in server/features/questions/rules.py: which buttons a state shows.
const ACTIONS = {
  approve: ["pending"],
  pin: ["approved"],
  answer: ["approved", "answered"],
  edit: ["pending", "approved", "answered"],
  merge: ["pending", "approved"],
  reopen: ["answered", "dismissed", "archived"],
  archive: ["approved", "answered"],
  dismiss: ["pending", "approved"],
};
const TABS = { pending: ["pending"], approved: ["approved"], answered: ["answered"], closed: ["dismissed", "archived", "merged"] };
const KEYS = { a: "approve", d: "dismiss", p: "pin", r: "answer", e: "edit", m: "merge", o: "reopen", x: "archive" };

export function mount(live, state) {
  const part = setUp(live, state, (q) => q.state !== "hidden");
  if (!part) return;
  const { root, $, t, queue } = part;
  const announce = announcer($("[data-q-announce]"));
  const error = $("[data-q-error]");
  const selected = new Set();
  let tab = "pending";
  let sort = "popular"; // what most people want answered first

  async function send(name, payload) {
    setText(error, "");
    const ack = await live.command(name, payload);
    if (!ack.ok) setText(error, ack.error.message);
    return ack;
  }

  function authorText(q) {
    if (q.anonymity === "full") return t("anonymousFull");
    const name = (q.author && q.author.display_name) || t("noName");
    const who = q.anonymity === "attendees" ? `${isolate(name)} (${t("anonymousAttendees")})` : name;
    return q.author && q.author.walk_in ? `${isolate(who)} · ${t("walkIn")}` : who;
  }

  function inTab(q) { return TABS[tab].includes(q.state); }

  function render() {
    const settings = queue.settings();
    if (!settings) return;
    const form = $("[data-q-settings]");
    if (!form.contains(document.activeElement)) {
      for (const name of ["anonymity", "moderation", "min_interval_seconds", "max_per_person"]) {
        form.elements[name].value = settings[name];
      }
    }
    const active = queue.activeItemId();
    $("[data-q-toggle-open]").textContent = settings.open ? t("closeAll") : t("openAll");
    const itemButton = $("[data-q-toggle-item]");
    itemButton.hidden = active === null;
    itemButton.textContent = settings.closed_items.includes(active) ? t("openItem") : t("closeItem");
    fillItemSelect($("[data-q-filter]"), queue.items(), 2);

    const all = queue.all();
    renderTabs(root, TABS, tab, all);

    const filter = $("[data-q-filter]").value;
    const shown = sortQuestions(all.filter((q) => inTab(q) && matchesItem(q, filter)), sort, queue.votes);
    for (const id of [...selected]) if (!shown.some((q) => q.id === id && q.state === "pending")) selected.delete(id);
    const focusedId = document.activeElement && document.activeElement.closest && document.activeElement.closest("li.q")
      ? Number(document.activeElement.closest("li.q").dataset.questionId) : null;
    // Votes arrive several times a second: rows are kept (an open menu stays open), but a
    // row a new order moves loses the focus, so the focused control is given it back.
    const focusedControl = focusedId !== null && document.activeElement.closest("li.q") !== document.activeElement
      ? (document.activeElement.dataset.act || (document.activeElement.matches("summary") ? "more" : null)) : null;
    const template = $("[data-q-template]");
    renderQuestions($("[data-q-list]"), template, shown, (node, slot, q) => {
      putText(slot("author"), authorText(q));
      putText(slot("item"), q.item_id === null ? t("general") : (queue.itemTitle(q.item_id) || t("general")));
      slot("votes").textContent = votesLabel(t, queue.votes(q.id));
      setText(slot("edited"), q.edited ? t("edited") : "");
      setText(slot("badge"), q.pinned ? t("answering") : "");
      setText(slot("answer"), q.answer);
      const note = q.state === "merged" ? t("mergedInto", { id: q.merged_into_id }) : (q.dismiss_reason ? t("reason", { reason: q.dismiss_reason }) : "");
      setText(slot("reason"), note);
      const box = slot("select");
      slot("select-label").hidden = q.state !== "pending";
      box.checked = selected.has(q.id);
      slot("select-text").textContent = t("select", { id: q.id });
      node.querySelectorAll("[data-act]").forEach((button) => {
        const act = button.dataset.act;
        button.hidden = act === "ban" ? !(q.author && q.state !== "merged") : !ACTIONS[act].includes(q.state);
      });
      slot("more").hidden = ![...slot("more").querySelectorAll("[data-act]")].some((b) => !b.hidden);
      slot("more-summary").setAttribute("aria-label", t("more", { id: q.id }));
    });
    $("[data-q-empty]").hidden = shown.length > 0;
    $("[data-q-bulk]").hidden = tab !== "pending";
    const pinned = queue.pinned();
    $("[data-q-now]").hidden = !pinned;
    $("[data-q-now-text]").textContent = pinned ? pinned.text : "";
    if (focusedId !== null) focusQuestion(focusedId, focusedControl);
  }

  function listItems() { return [...$("[data-q-list]").querySelectorAll("li.q")]; }
  function focusQuestion(id, control = null) {
    const li = listItems().find((x) => Number(x.dataset.questionId) === id);
    if (!li) return;
    const inside = control === "more" ? li.querySelector("summary") : control ? li.querySelector(`[data-act="${control}"]`) : null;
    (inside && !inside.closest("[hidden]") ? inside : li).focus();
  }

  queue.onChange((change) => {
    if (change.kind === "question_asked" && change.question.state === "pending") {
      announce(t("newPending", { text: change.question.text }));
    }
    render();
  });

  // One small dialog for the actions that take text: dismiss, edit, answer, merge.
  const dialog = $("[data-q-dialog]");
  function ask({ title, field, value = "", options = null }, question) {
    $("[data-q-dialog-title]").textContent = title;
    $("[data-q-dialog-label]").textContent = field;
    putText($("[data-q-dialog-question]"), question.text);
    const text = $("[data-q-dialog-text]");
    const select = $("[data-q-dialog-select]");
    text.hidden = Boolean(options);
    select.hidden = !options;
    $("[data-q-dialog-label]").htmlFor = options ? "q-dialog-select" : "q-dialog-text";
    text.value = value;
    if (options) {
      select.replaceChildren(...options.map((q) => {
        const option = document.createElement("option");
        option.value = String(q.id);
        option.textContent = `#${q.id} ${isolate(q.text.slice(0, 80))}`;
        return option;
      }));
    }
    dialog.returnValue = "";
    dialog.showModal();
    (options ? select : text).focus();
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => {
        resolve(dialog.returnValue === "ok" ? (options ? Number(select.value) : text.value) : null);
      }, { once: true });
    });
  }

  async function act(action, question) {
    const id = question.id;
    if (action === "pin" && question.pinned) return send("unpin_question");
    if (!(action === "ban" || ACTIONS[action].includes(question.state))) return null;
    switch (action) {
      case "approve": return send("approve_question", { question_id: id });
      case "pin": return send("pin_question", { question_id: id });
      case "reopen": return send("reopen_question", { question_id: id });
      case "archive": return send("archive_question", { question_id: id });
      case "dismiss": {
        const reason = await ask({ title: t("dialogDismiss"), field: t("dialogDismissField") }, question);
        return reason === null ? null : send("dismiss_question", { question_id: id, reason });
      }
      case "edit": {
        const text = await ask({ title: t("dialogEdit"), field: t("dialogEditField"), value: question.text }, question);
        return text === null ? null : send("edit_question", { question_id: id, text });
      }
      case "answer": {
        const answer = await ask({ title: t("dialogAnswer"), field: t("dialogAnswerField"), value: question.answer }, question);
        return answer === null ? null : send("answer_question", { question_id: id, answer });
      }
      case "merge": {
        const targets = queue.all().filter((q) => q.id !== id && (q.state === "approved" || q.state === "answered"));
        if (!targets.length) return null;
        const into = await ask({ title: t("dialogMerge"), field: t("dialogMergeField"), options: targets }, question);
        return into === null ? null : send("merge_questions", { question_id: id, into_id: into });
      }
      case "ban": {
        const name = (question.author && question.author.display_name) || t("noName");
        const sure = await confirmInPage({ title: t("banTitle", { name }), text: t("banText"), ok: t("banOk"), danger: true });
        if (!sure) return null;
        return send("ban_participant", { participant_id: question.author.participant_id });
      }
      default: return null;
    }
  }

  // After an action the question may leave this queue: keep the keyboard on its neighbour.
  async function actAndKeepPlace(action, li) {
    const items = listItems();
    const index = items.indexOf(li);
    const question = queue.get(Number(li.dataset.questionId));
    if (!question) return;
    await act(action, question);
    const now = listItems();
    const same = now.find((x) => x.dataset.questionId === li.dataset.questionId);
    const next = same || now[Math.min(index, now.length - 1)];
    if (next) next.focus();
  }

  const list = $("[data-q-list]");
  list.addEventListener("click", (e) => {
    const button = e.target.closest("[data-act]");
    if (!button) return;
    const menu = button.closest("details");
    if (menu) menu.open = false;
    actAndKeepPlace(button.dataset.act, button.closest("li.q"));
  });
  // The "More" menu: Escape closes it and gives the keyboard back to its summary; one open at a time.
  list.addEventListener("keydown", (e) => {
    const menu = e.target.closest("details.q-more");
    if (e.key !== "Escape" || !menu || !menu.open) return;
    e.stopPropagation();
    menu.open = false;
    menu.querySelector("summary").focus();
  }, true);
  list.addEventListener("toggle", (e) => {
    if (!e.target.open) return;
    list.querySelectorAll("details.q-more[open]").forEach((d) => { if (d !== e.target) d.open = false; });
  }, true);
  document.addEventListener("click", (e) => {
    list.querySelectorAll("details.q-more[open]").forEach((d) => { if (!d.contains(e.target)) d.open = false; });
  });
  list.addEventListener("change", (e) => {
    if (!e.target.matches("[data-slot=select]")) return;
    const id = Number(e.target.closest("li.q").dataset.questionId);
    if (e.target.checked) selected.add(id); else selected.delete(id);
  });
  list.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.target.matches("input[type=text], textarea, select")) return;
    const li = e.target.closest("li.q");
    if (!li) return;
    // The letter as printed on a Latin keyboard (AZERTY's A is A); on an Arabic one, the
    // Latin letter of the key's place, so the shortcuts work without switching layout.
    const latin = /^[a-z]$/i.test(e.key) || !e.code.startsWith("Key");
    const key = (latin ? e.key : e.code.slice(3)).toLowerCase();
    const items = listItems();
    if (key === "j" || key === "k") {
      e.preventDefault();
      const next = items[items.indexOf(li) + (key === "j" ? 1 : -1)];
      if (next) next.focus();
    } else if (key === " " && e.target === li && li.dataset.state === "pending") {
      e.preventDefault();
      const box = li.querySelector("[data-slot=select]");
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    } else if (KEYS[key]) {
      e.preventDefault();
      actAndKeepPlace(KEYS[key], li);
    }
  });

  $("[data-q-approve-selected]").addEventListener("click", async () => {
    if (!selected.size) return;
    const ack = await send("approve_questions", { question_ids: [...selected] });
    if (ack.ok) selected.clear();
  });
  $("[data-q-approve-all]").addEventListener("click", () => {
    const ids = listItems().map((li) => Number(li.dataset.questionId)).slice(0, 200);
    if (ids.length) send("approve_questions", { question_ids: ids });
  });
  $("[data-q-unpin]").addEventListener("click", () => send("unpin_question"));

  root.querySelectorAll("[data-q-tab]").forEach((button) => button.addEventListener("click", () => {
    tab = button.dataset.qTab;
    render();
  }));
  tabKeys(root);
  root.querySelectorAll("[data-q-sort]").forEach((button) => button.addEventListener("click", () => {
    sort = button.dataset.qSort;
    root.querySelectorAll("[data-q-sort]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
    render();
  }));
  $("[data-q-filter]").addEventListener("change", render);

  $("[data-q-settings]").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = e.target;
    const ack = await send("set_question_settings", {
      anonymity: form.elements.anonymity.value,
      moderation: form.elements.moderation.value,
      min_interval_seconds: Number(form.elements.min_interval_seconds.value),
      max_per_person: Number(form.elements.max_per_person.value),
    });
    $("[data-q-settings-status]").textContent = ack.ok ? t("saved") : "";
  });
  $("[data-q-toggle-open]").addEventListener("click", () => {
    send(queue.settings().open ? "close_questions" : "open_questions");
  });
  $("[data-q-toggle-item]").addEventListener("click", () => {
    const item = queue.activeItemId();
    if (item === null) return;
    send(queue.settings().closed_items.includes(item) ? "open_questions" : "close_questions", { item_id: item });
  });
}
