// Questions on the rapporteur's page: answered, waiting and set-aside questions,
// in the order they were asked, by agenda item. Read only.
import { matchesItem, renderQuestions, renderTabs, setUp, tabKeys, votesLabel } from "./common.js";
import { fillItemSelect, setText } from "../core/dom.js";
import { putText } from "../core/messages.js";

const TABS = { answered: ["answered"], approved: ["approved"], closed: ["dismissed", "archived", "merged"] };

export function mount(live, state) {
  // Rapporteurs hear of pending questions only as an id and a state: nothing to show.
  const part = setUp(live, state, (q) => q.state !== "pending" && q.state !== "hidden");
  if (!part) return;
  const { root, $, t, queue } = part;
  let tab = "answered";

  function render() {
    fillItemSelect($("[data-q-filter]"), queue.items(), 2);
    const all = queue.all();
    renderTabs(root, TABS, tab, all);
    const filter = $("[data-q-filter]").value;
    const shown = all.filter((q) => TABS[tab].includes(q.state) && matchesItem(q, filter)).sort((a, b) => a.id - b.id);
    const template = $("[data-q-template]");
    renderQuestions($("[data-q-list]"), template, shown, (node, slot, q) => {
      putText(slot("author"), q.author ? (q.author.display_name || t("noName")) : t("anonymous"));
      putText(slot("item"), q.item_id === null ? t("general") : (queue.itemTitle(q.item_id) || t("general")));
      slot("votes").textContent = votesLabel(t, queue.votes(q.id));
      setText(slot("badge"), q.pinned ? t("answering") : "");
      setText(slot("edited"), q.edited ? t("edited") : "");
      setText(slot("answer"), q.answer ? t("answer", { answer: q.answer }) : "");
      const note = q.state === "merged" ? t("mergedInto", { id: q.merged_into_id }) : (q.dismiss_reason ? t("reason", { reason: q.dismiss_reason }) : "");
      setText(slot("reason"), note);
    });
    $("[data-q-empty]").hidden = shown.length > 0;
  }

  queue.onChange(render);
  root.querySelectorAll("[data-q-tab]").forEach((button) => button.addEventListener("click", () => {
    tab = button.dataset.qTab;
    render();
  }));
  tabKeys(root);
  $("[data-q-filter]").addEventListener("change", render);
}
