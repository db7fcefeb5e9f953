// Polls on every page: the state kept in step with the server. It comes from the
// snapshot, poll events and the coalesced `poll_results` pushes; results are only
// ever what the server sent this audience. The agenda is the page's one store's.
import { announcer } from "../core/dom.js";
import { messages } from "../core/messages.js";

// The translated sentences of templates/polls/_messages.html, filled with {name} values.
export const pollMessages = () => messages("polls");

// `staff`: this page receives every result (moderators, rapporteurs), so none is dropped.
export function createPollStore(live, state, { staff = false } = {}) {
  const polls = new Map();
  const results = new Map();
  const mine = new Map();
  const listeners = [];
  const changed = (detail) => listeners.forEach((fn) => fn(detail));

  function upsert(poll) {
    polls.set(poll.id, poll);
  }

  live.onSnapshot((snap) => {
    const part = snap.polls;
    polls.clear(); results.clear(); mine.clear();
    part.items.forEach(upsert);
    Object.entries(part.results).forEach(([id, r]) => results.set(Number(id), r));
    Object.entries(part.my_ballots).forEach(([id, answer]) => mine.set(Number(id), answer));
    changed({ kind: "snapshot" });
  });
  for (const type of ["poll_created", "poll_updated"]) {
    live.on(type, (poll) => { upsert(poll); changed({ kind: type, id: poll.id }); });
  }
  live.on("poll_opened", (poll) => {
    const { reopened, ...fields } = poll;
    upsert(fields);
    // Results revealed at the last close are not shown again while votes reopen.
    if (!staff && poll.visibility !== "live") results.delete(poll.id);
    changed({ kind: "poll_opened", id: poll.id, reopened });
  });
  live.on("poll_closed", ({ poll, results: final }) => {
    upsert(poll);
    if (final) results.set(poll.id, final); else if (!staff) results.delete(poll.id);
    changed({ kind: "poll_closed", id: poll.id });
  });
  live.on("poll_deleted", ({ poll_id }) => { polls.delete(poll_id); changed({ kind: "poll_deleted", id: poll_id }); });
  live.onState("poll_results", (data) => { results.set(data.poll_id, data); changed({ kind: "results", id: data.poll_id }); });
  live.onNotice(({ kind, data }) => {
    if (kind !== "ballot_recorded") return;
    mine.set(data.poll_id, data.answer);
    changed({ kind: "ballot", id: data.poll_id });
  });
  state.onChange((kind) => { if (kind !== "snapshot") changed({ kind: "agenda" }); });

  return {
    all: () => [...polls.values()].sort((a, b) => a.position - b.position),
    get: (id) => polls.get(id),
    live: () => [...polls.values()].find((p) => p.state === "open") || null,
    results: (id) => results.get(id) || null,
    mine: (id) => (mine.has(id) ? mine.get(id) : null),
    remember: (id, answer) => { mine.set(id, answer); },
    agendaItems: state.items,
    activeItemId: state.activeItemId,
    onChange(fn) { listeners.push(fn); },
  };
}

// Say politely, in `region`, that a poll opened, that its results show (once, not at
// every count), and that it closed, with the outcome when this page may know it.
export function pollAnnouncements(region, store, t) {
  const say = announcer(region);
  const told = new Set(); // "id:state" of polls whose results were announced
  return (change) => {
    const poll = change.id ? store.get(change.id) : null;
    if (!poll) return;
    const results = store.results(poll.id);
    const key = `${poll.id}:${poll.state}`;
    if (change.kind === "poll_opened") say(t("new_poll", { question: poll.question }));
    if (change.kind === "poll_closed") {
      told.add(key);
      say([t("poll_closed", { question: poll.question }), results ? outcome(poll, results, t) : ""]
        .filter(Boolean).join(" "));
    }
    if (change.kind === "results" && results && results.voters && !told.has(key)) {
      told.add(key);
      say(t("results_in", { question: poll.question }));
    }
  };
}

function outcome(poll, results, t) {
  if (!results.voters) return t("no_votes");
  if (poll.type === "rating") return t("mean", { mean: results.mean });
  const top = (results.rows || []).reduce((best, row) => (!best || row.value > best.value ? row : best), null);
  return top && top.value ? t("in_the_lead", { answer: top.label, percent: top.percent }) : "";
}
