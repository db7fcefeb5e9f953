// Polls on the rapporteur's page: every opened poll with its results and both
// breakdowns, to report who thinks what. Read only.
import { el, keepingFocus } from "../core/dom.js";
import { createPollStore, pollMessages } from "./common.js";
import { breakdownTable, renderResults } from "./results.js";

export function mount(live, state) {
  const root = document.querySelector("[data-polls]");
  if (!root) return;
  const t = pollMessages();
  const store = createPollStore(live, state, { staff: true });
  const list = root.querySelector("[data-poll-list]");
  const none = root.querySelector("[data-poll-none]");
  const views = new Map();

  function view(poll) {
    if (!views.has(poll.id)) {
      const results = el("div", { class: "poll-results" });
      const breakdowns = el("div", {});
      const head = el("div", { class: "poll-head" });
      views.set(poll.id, { article: el("article", { class: "poll" }, head, results, breakdowns), head, results, breakdowns, shown: null, state: null });
    }
    return views.get(poll.id);
  }

  function render() {
    const polls = store.all().filter((p) => p.state !== "draft")
      .sort((a, b) => (a.state === "open" ? -1 : b.state === "open" ? 1 : b.position - a.position));
    none.hidden = polls.length > 0;
    keepingFocus(list, () => {
      list.replaceChildren(...polls.map((poll) => view(poll).article));
      polls.forEach((poll) => show(poll, view(poll))); // once on the page: charts are drawn at the width shown
    });
  }

  function show(poll, v) {
    const results = store.results(poll.id);
    if (v.state !== poll.state) {
      v.state = poll.state;
      v.head.replaceChildren(
        el("p", { class: `poll-badge poll-badge-${poll.state}`, text: t(`state_${poll.state}`) }),
        el("h3", { class: "poll-question", text: poll.question }),
        el("p", { class: "muted poll-meta", text: `${t(`type_${poll.type}`)} · ${t(`visibility_${poll.visibility}`)}` }));
    }
    if (results && results !== v.shown) {
      v.shown = results;
      renderResults(v.results, poll, results, t);
      v.breakdowns.replaceChildren(...(poll.type === "open_text" ? [] : ["stakeholder_group", "country"]
        .map((by) => breakdownTable(poll, results, by, t))));
    }
  }

  store.onChange(render);
}
