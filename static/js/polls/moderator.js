// Polls on the moderator's console: prepare drafts, open, close, reopen; live results
// with breakdowns; open-text answers shown to everyone one by one; an open-text or
// word-cloud answer excluded from every count and screen (kept, marked, on record).
import { el, fillItemSelect, keepingFocus } from "../core/dom.js";
import { percent } from "../core/format.js";
import { messages } from "../core/messages.js";
import { createPollStore, pollMessages } from "./common.js";
import { breakdownTable, renderResults } from "./results.js";

const WITH_OPTIONS = ["single", "multiple", "ranking"];
const FREE_TEXT = ["word_cloud", "open_text"];

export function mount(live, state, { strip = null } = {}) {
  const root = document.querySelector("[data-polls]");
  if (!root) return;
  const t = pollMessages();
  const store = createPollStore(live, state, { staff: true });
  const list = root.querySelector("[data-poll-list]");
  const none = root.querySelector("[data-poll-none]");
  const error = root.querySelector("[data-poll-error]");
  const views = new Map();

  async function send(name, payload) {
    error.textContent = "";
    const ack = await live.command(name, payload);
    if (!ack.ok) error.textContent = ack.error.message;
    return ack;
  }

  const form = mountForm(root, live, store);

  // The live poll first, then drafts (the current item's first), then closed ones, newest first.
  function ordered() {
    const rank = (p) => {
      if (p.state === "open") return 0;
      if (p.state === "draft") return p.item_id !== null && p.item_id === store.activeItemId() ? 1 : 2;
      return 3;
    };
    return store.all().sort((a, b) => rank(a) - rank(b) || (a.state === "closed" ? b.position - a.position : a.position - b.position));
  }

  function render() {
    const polls = ordered();
    none.hidden = polls.length > 0;
    keepingFocus(list, () => {
      polls.forEach((poll, index) => {
        const view = views.get(poll.id) || createView(poll);
        if (list.children[index] !== view.article) list.insertBefore(view.article, list.children[index] || null);
        updateView(view, poll); // once on the page: charts are drawn at the width shown
      });
      const ids = new Set(polls.map((p) => p.id));
      for (const [id, view] of views) {
        if (!ids.has(id)) { view.article.remove(); views.delete(id); }
      }
    });
  }

  function createView(poll) {
    const select = el("select", { "aria-label": t("show_by"), "data-focus-key": `by-${poll.id}` },
      ...["total", "stakeholder_group", "country"].map((value) => el("option", { value, text: t(`by_${value}`) })));
    const view = {
      article: el("article", { class: "poll", "data-poll-id": poll.id }),
      head: el("div", { class: "poll-head" }),
      controls: el("div", { class: "buttons poll-controls" }),
      select,
      results: el("div", { class: "poll-results" }),
      breakdown: el("div", {}),
      signature: null,
      shown: null,
    };
    select.addEventListener("change", () => { view.shown = null; updateView(view, store.get(poll.id)); });
    view.article.append(view.head, view.controls, el("div", { class: "poll-by" }, select), view.results, view.breakdown);
    views.set(poll.id, view);
    return view;
  }

  function updateView(view, poll) {
    const signature = JSON.stringify([poll, store.activeItemId()]);
    if (signature !== view.signature) {
      view.signature = signature;
      view.shown = null;
      view.head.replaceChildren(...head(poll));
      view.controls.replaceChildren(...controls(poll));
      view.article.dataset.state = poll.state;
    }
    const results = store.results(poll.id);
    view.select.parentElement.hidden = !results || poll.type === "open_text";
    if (results === view.shown) return;
    view.shown = results;
    if (!results) { view.results.replaceChildren(); view.breakdown.replaceChildren(); return; }
    renderResults(view.results, poll, results, t, { answerControls: FREE_TEXT.includes(poll.type) ? answerButtons(poll) : null });
    const by = view.select.value;
    view.breakdown.replaceChildren(...(by === "total" ? [] : [breakdownTable(poll, results, by, t)]));
  }

  function head(poll) {
    const item = store.agendaItems().find((i) => i.id === poll.item_id);
    const badges = [t(`type_${poll.type}`), t(`visibility_${poll.visibility}`), poll.allow_change ? null : t("votes_final")]
      .filter(Boolean).join(" · ");
    return [
      el("p", { class: `poll-badge poll-badge-${poll.state}`, text: t(`state_${poll.state}`) }),
      el("h3", { class: "poll-question", text: poll.question }),
      el("p", { class: "muted poll-meta", text: badges }),
      item ? el("p", { class: "muted poll-meta", text: t("item_of", { title: item.title })
        + (poll.state === "draft" && item.id === store.activeItemId() ? ` · ${t("for_this_item")}` : "") }) : null,
      WITH_OPTIONS.includes(poll.type) && poll.state === "draft"
        ? el("ol", { class: "poll-options" }, ...poll.options.map((o) => el("li", { text: o }))) : null,
    ].filter(Boolean);
  }

  function button(poll, action, label, onClick, extra = "") {
    const node = el("button", { type: "button", class: extra, "data-focus-key": `${action}-${poll.id}`, text: t(label) });
    node.addEventListener("click", onClick);
    return node;
  }

  function controls(poll) {
    if (poll.state === "draft") {
      return [
        button(poll, "open", "open", () => send("open_poll", { poll_id: poll.id })),
        button(poll, "edit", "edit", () => form.edit(poll), "secondary"),
        button(poll, "delete", "delete", () => { if (confirm(t("confirm_delete"))) send("delete_poll", { poll_id: poll.id }); }, "secondary"),
      ];
    }
    if (poll.state === "open") return [button(poll, "close", "close", () => send("close_poll", { poll_id: poll.id }), "danger")];
    return [button(poll, "reopen", "reopen", () => send("open_poll", { poll_id: poll.id }), "secondary")];
  }

  function answerButtons(poll) {
    return (answer) => {
      const ids = { poll_id: poll.id, answer_id: answer.id };
      const buttons = [];
      if (poll.type === "open_text" && !answer.excluded) {
        const show = el("button", {
          type: "button", class: "secondary small", "aria-pressed": answer.shown ? "true" : "false",
          "data-focus-key": `answer-${answer.id}`, text: t(answer.shown ? "hide" : "show"),
        });
        show.addEventListener("click", () => send(answer.shown ? "hide_poll_answer" : "show_poll_answer", ids));
        buttons.push(show);
      }
      const exclude = el("button", {
        type: "button", class: "secondary small", "aria-pressed": answer.excluded ? "true" : "false",
        title: t("exclude_hint"), "data-focus-key": `exclude-${answer.id}`, text: t(answer.excluded ? "include" : "exclude"),
      });
      exclude.addEventListener("click", () => send(answer.excluded ? "include_poll_answer" : "exclude_poll_answer", ids));
      buttons.push(exclude);
      return el("span", { class: "poll-answer-controls" }, ...buttons);
    };
  }

  // The strip: the live poll's question and its turnout (attendees present, not staff).
  const c = messages("console");
  function renderStrip() {
    if (!strip) return;
    const poll = store.live();
    const results = poll ? store.results(poll.id) : null;
    strip.querySelector("[data-strip-poll-question]").textContent = poll ? poll.question : c("no_poll");
    strip.querySelector("[data-strip-poll-question]").dir = "auto";
    let figure = "";
    if (poll && results) {
      figure = results.turnout === null || results.turnout === undefined
        ? c("poll_voters", { voters: results.voters })
        : c("poll_turnout", { voters: results.voters, present: results.present, percent: percent(Math.round(results.turnout * 100)) });
    }
    strip.querySelector("[data-strip-poll]").textContent = figure;
  }

  store.onChange(render);
  store.onChange(renderStrip);
}

// The form that creates a poll or rewrites a draft.
function mountForm(root, live, store) {
  const details = root.querySelector("[data-poll-new]");
  const form = root.querySelector("[data-poll-form]");
  const title = root.querySelector("[data-poll-form-title]");
  const formError = root.querySelector("[data-poll-form-error]");
  const cancel = form.querySelector("[data-cancel-edit]");
  const createOnly = form.querySelector("[data-create-only]");
  const fields = form.elements;
  let editing = null;

  function showFields() {
    form.querySelectorAll("[data-for]").forEach((box) => { box.hidden = !box.dataset.for.split(" ").includes(fields.type.value); });
  }


  function payload() {
    const type = fields.type.value;
    const data = {
      type,
      question: fields.question.value,
      visibility: fields.visibility.value,
      allow_change: fields.allow_change.checked,
      item_id: fields.item_id.value ? Number(fields.item_id.value) : null,
    };
    if (WITH_OPTIONS.includes(type)) data.options = fields.options.value.split("\n").map((s) => s.trim()).filter(Boolean);
    if (type === "multiple" && fields.max_choices.value) data.max_choices = Number(fields.max_choices.value);
    if (type === "rating") Object.assign(data, { scale: fields.scale.value, low_label: fields.low_label.value, high_label: fields.high_label.value });
    return data;
  }

  // A new poll is about the item running now, unless the moderator picks another (or none).
  let itemChosen = false;
  function defaultItem() {
    if (editing !== null || itemChosen) return;
    const running = store.activeItemId();
    fields.item_id.value = running === null ? "" : String(running);
  }

  function reset() {
    form.reset();
    editing = null;
    itemChosen = false;
    title.textContent = title.dataset.new;
    cancel.hidden = true;
    createOnly.hidden = false;
    formError.textContent = "";
    showFields();
    defaultItem();
  }

  // The poll just created or rewritten, to scroll to once the list shows it: the form
  // closing above it would otherwise leave the pane scrolled to the middle of another.
  let reveal = null;
  function revealPoll() {
    const article = reveal === null ? null : root.querySelector(`[data-poll-id="${reveal}"]`);
    if (!article) return;
    reveal = null;
    article.scrollIntoView({ block: "start" });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const open = event.submitter?.dataset.submit === "open";
    const rewritten = editing;
    const ack = editing
      ? await live.command("update_poll", { ...payload(), poll_id: editing })
      : await live.command("create_poll", { ...payload(), open });
    if (!ack.ok) { formError.textContent = ack.error.message; return; }
    reset();
    details.open = false; // the poll is in the list below: the pane shows it, not the empty form
    reveal = rewritten ?? ack.poll_id;
    revealPoll();
  });
  fields.type.addEventListener("change", showFields);
  cancel.addEventListener("click", reset);
  store.onChange((change) => {
    queueMicrotask(revealPoll); // after the list has drawn this change
    if (change.kind === "snapshot" || change.kind === "agenda") {
      fillItemSelect(fields.item_id, store.agendaItems());
      defaultItem();
    }
  });
  fields.item_id.addEventListener("change", () => { itemChosen = true; });
  showFields();

  return {
    edit(poll) {
      reset();
      editing = poll.id;
      fields.type.value = poll.type;
      fields.question.value = poll.question;
      fields.options.value = poll.options.join("\n");
      fields.max_choices.value = poll.type === "multiple" ? poll.max_choices : "";
      fields.scale.value = poll.scale_min === 0 ? "0-10" : "1-5";
      fields.low_label.value = poll.low_label;
      fields.high_label.value = poll.high_label;
      fields.visibility.value = poll.visibility;
      fields.allow_change.checked = poll.allow_change;
      fields.item_id.value = poll.item_id ?? "";
      title.textContent = title.dataset.editing;
      cancel.hidden = false;
      createOnly.hidden = true;
      showFields();
      details.open = true;
      fields.question.focus();
    },
  };
}
