// Questions on the present view: the question the screen names — by default the one
// being answered — big; when there is none, the five most popular.
import { putText } from "../core/messages.js";
import { isPublic, renderQuestions, setUp, sortQuestions, votesLabel } from "./common.js";

const SHOWN = 5;

// Returns `feature(id)`: show that question (null: the one being answered).
export function mount(live, state) {
  const part = setUp(live, state, isPublic);
  if (!part) return { feature() {} };
  const { $, t, queue } = part;
  // No author: asked anonymously; an author without a name: they erased it.
  const author = (q) => (q.author ? q.author.display_name || t("someone") : t("anonymous"));
  let chosen = null;

  function render() {
    const featured = (chosen !== null && queue.get(chosen)) || queue.pinned();
    $("[data-q-now]").hidden = !featured;
    $("[data-q-top]").hidden = Boolean(featured);
    putText($("[data-q-now-text]"), featured ? featured.text : "");
    putText($("[data-q-now-author]"), featured ? author(featured) : "");
    $("[data-q-now-votes]").textContent = featured ? votesLabel(t, queue.votes(featured.id)) : "";
    const waiting = queue.all().filter((q) => q.state === "approved" && !q.pinned);
    const top = sortQuestions(waiting, "popular", queue.votes).slice(0, SHOWN);
    const template = $("[data-q-template]");
    renderQuestions($("[data-q-list]"), template, top, (node, slot, q) => {
      putText(slot("author"), author(q));
      slot("votes").textContent = votesLabel(t, queue.votes(q.id));
    });
    $("[data-q-empty]").hidden = top.length > 0;
  }

  queue.onChange(render);
  return { feature(id) { chosen = id ?? null; render(); } };
}
