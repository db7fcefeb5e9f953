// Questions on the present view: the pinned question big, then the five most popular.
import { putText } from "../core/messages.js";
import { isPublic, renderQuestion, setUp, sortQuestions, votesLabel } from "./common.js";

const SHOWN = 5;

export function mount(live, state) {
  const part = setUp(live, state, isPublic);
  if (!part) return;
  const { $, t, queue } = part;
  const author = (q) => (q.author && q.author.display_name) || t("anonymous");

  queue.onChange(() => {
    const pinned = queue.pinned();
    $("[data-q-now]").hidden = !pinned;
    putText($("[data-q-now-text]"), pinned ? pinned.text : "");
    putText($("[data-q-now-author]"), pinned ? author(pinned) : "");
    const waiting = queue.all().filter((q) => q.state === "approved" && !q.pinned);
    const top = sortQuestions(waiting, "popular", queue.votes).slice(0, SHOWN);
    const template = $("[data-q-template]");
    $("[data-q-list]").replaceChildren(...top.map((q) => renderQuestion(template, q, (node, slot) => {
      putText(slot("author"), author(q));
      slot("votes").textContent = votesLabel(t, queue.votes(q.id));
    })));
    $("[data-q-empty]").hidden = top.length > 0;
  });
}
