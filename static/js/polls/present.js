// Polls on the present view (screen sharing): the live poll — or the last one closed —
// as a large bar chart or word cloud, with the figures as a table for screen readers.
import { el } from "../core/dom.js";
import { createPollStore, pollAnnouncements, pollMessages } from "./common.js";
import { renderResults, withheld } from "./results.js";

export function mount(live, state) {
  const root = document.querySelector("[data-polls]");
  if (!root) return;
  const t = pollMessages();
  const store = createPollStore(live, state);
  const stage = root.querySelector("[data-poll-stage]");
  const announce = root.querySelector("[data-poll-announce]");
  const results = el("div", { class: "poll-results" });
  let shown = null;

  function featured() {
    const open = store.live();
    if (open) return open;
    const closed = store.all().filter((p) => p.state === "closed");
    closed.sort((a, b) => Date.parse(b.closed_at) - Date.parse(a.closed_at));
    return closed[0] || null;
  }

  function render() {
    const poll = featured();
    root.hidden = !poll;
    if (!poll) { shown = null; return; }
    const signature = `${poll.id}:${poll.state}`;
    if (signature !== shown) {
      shown = signature;
      stage.replaceChildren(
        el("p", { class: `poll-badge poll-badge-${poll.state}`, text: t(poll.state === "open" ? "live" : "state_closed") }),
        el("h3", { class: "poll-question", text: poll.question }),
        results);
    }
    const got = store.results(poll.id);
    if (got) renderResults(results, poll, got, t, { scale: 1.6 });
    else results.replaceChildren(el("p", { class: "muted poll-summary", text: withheld(poll, t) }));
  }

  store.onChange(pollAnnouncements(announce, store, t));
  store.onChange(render);
}
