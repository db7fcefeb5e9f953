// Polls on the present view (screen sharing): the poll the screen names — by default
// the live poll, or the last one closed — as a large bar chart or word cloud, with the
// figures as a table for screen readers (nothing to press: it is projected).
import { el } from "../core/dom.js";
import { createPollStore, pollAnnouncements, pollMessages } from "./common.js";
import { renderResults, withheld } from "./results.js";

// Returns `feature(id)`: show that poll (null: the live one, or the last closed).
export function mount(live, state) {
  const root = document.querySelector("[data-polls]");
  if (!root) return { feature() {} };
  const t = pollMessages();
  const store = createPollStore(live, state);
  const stage = root.querySelector("[data-poll-stage]");
  const announce = root.querySelector("[data-poll-announce]");
  const results = el("div", { class: "poll-results" });
  let chosen = null;
  let shown = null;
  // Read from the back of a room: figures sized by the screen's height (36 px labels at 1080).
  const scale = () => Math.min(3, Math.max(1.4, window.innerHeight / 450));

  function featured() {
    if (chosen !== null && store.get(chosen)) return store.get(chosen);
    const open = store.live();
    if (open) return open;
    const closed = store.all().filter((p) => p.state === "closed");
    closed.sort((a, b) => Date.parse(b.closed_at) - Date.parse(a.closed_at));
    return closed[0] || null;
  }

  function render() {
    const poll = featured();
    if (!poll) {
      shown = null;
      stage.replaceChildren(el("p", { class: "subject-empty", text: t("no_poll") }));
      return;
    }
    const signature = `${poll.id}:${poll.state}`;
    if (signature !== shown) {
      shown = signature;
      results.dataset.fresh = "true"; // the bars grow in once, not at every count
      setTimeout(() => { delete results.dataset.fresh; }, 1000);
      stage.replaceChildren(
        el("p", { class: `poll-badge poll-badge-${poll.state}`, text: t(poll.state === "open" ? "live" : "state_closed") }),
        el("h3", { class: "poll-question", text: poll.question }),
        results);
    }
    const got = store.results(poll.id);
    if (got) renderResults(results, poll, got, t, { scale: scale(), toggle: false });
    else results.replaceChildren(el("p", { class: "muted poll-summary", text: withheld(poll, t) }));
  }

  store.onChange(pollAnnouncements(announce, store, t));
  store.onChange(render);
  return {
    feature(id) {
      chosen = id ?? null;
      shown = null; // drawn again at the size it is shown at
      render();
    },
  };
}
