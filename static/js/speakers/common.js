// The speakers' queue as every page holds it: the snapshot, then events (the floor,
// the list, the ordering), coalesced `speakers_queue` pushes (the ordered queue) and,
// for attendees, `speakers_mine` notices (their own hands). Pages render from this;
// the agenda (items, the running one, the consultation's state) is the page's one store's.
import { el, fillItemSelect } from "../core/dom.js";
import { duration, locale } from "../core/format.js";
import { messages, putText } from "../core/messages.js";

export function trackSpeakers(live, state, onChange) {
  const s = {
    ordering: "requested",
    timeLimit: 180,
    itemLimits: {},
    closed: new Set(),
    queues: new Map(), // item id → { item_id, waiting, hand_ids, hands? }
    floor: null,
    mine: [],
    record: null, // staff only: [{ item_id, title, speakers: [...] }]
  };
  const changed = (what, detail) => onChange(what, detail);

  function setQueue(view) {
    s.ordering = view.ordering;
    s.timeLimit = view.time_limit_seconds;
    s.itemLimits = view.item_time_limits;
    s.closed = new Set(view.closed_items);
    s.queues = new Map(view.queues.map((q) => [q.item_id, q]));
  }

  live.onSnapshot((snap) => {
    setQueue(snap.speakers);
    s.floor = snap.speakers.floor;
    s.mine = snap.speakers.mine || [];
    s.record = snap.speakers.record ? snap.speakers.record.items : null;
    changed("snapshot");
  });
  live.onState("speakers_queue", (view) => { setQueue(view); changed("queue"); });
  live.onNotice(({ kind, data }) => {
    if (kind !== "speakers_mine") return;
    s.mine = data.hands;
    changed("mine", data.reason);
  });

  state.onChange((kind) => { if (kind !== "snapshot") changed("agenda"); });

  live.on("floor_given", (turn) => { s.floor = turn; changed("floor_given", turn); });
  live.on("turn_extended", (turn) => { s.floor = turn; changed("floor"); });
  live.on("turn_overran", (turn) => {
    if (s.floor && s.floor.hand_id === turn.hand_id) s.floor = turn;
    changed("floor");
  });
  live.on("turn_ended", (turn) => {
    if (s.floor && s.floor.hand_id === turn.hand_id) s.floor = null;
    if (s.record) {
      const entry = s.record.find((i) => i.item_id === turn.item_id);
      if (entry) entry.speakers.push(turn);
    }
    changed("turn_ended", turn);
  });
  live.on("turn_cancelled", (turn) => {
    if (s.floor && s.floor.hand_id === turn.hand_id) s.floor = null;
    changed("floor");
  });
  live.on("speakers_ordering_changed", ({ ordering }) => { s.ordering = ordering; changed("queue"); });
  live.on("speakers_list_closed", ({ item_id }) => { s.closed.add(item_id); changed("queue"); });
  live.on("speakers_list_reopened", ({ item_id }) => { s.closed.delete(item_id); changed("queue"); });
  live.on("speaking_time_set", ({ item_id, seconds }) => {
    if (item_id === null) s.timeLimit = seconds;
    else if (seconds === null) delete s.itemLimits[item_id];
    else s.itemLimits[item_id] = seconds;
    changed("queue");
  });
  return s;
}

export function limitFor(s, itemId) {
  return s.itemLimits[itemId] ?? s.timeLimit;
}

// The speaking clock, ticked locally from the server's start time and limit.
export function turnClock(turn, now) {
  const elapsed = Math.max(0, Math.floor((now - Date.parse(turn.started_at)) / 1000));
  const remaining = turn.limit_seconds + turn.extra_seconds - elapsed;
  return { elapsed, remaining, overrun: Math.max(0, -remaining) };
}

export function countryName(code) {
  if (!code) return "";
  try {
    return new Intl.DisplayNames([locale()], { type: "region" }).of(code) || code;
  } catch {
    return code;
  }
}

// "Civil society · Kenya"
export function whoLine(msg, person) {
  return [msg(`group:${person.stakeholder_group}`), countryName(person.country)].filter(Boolean).join(" · ");
}

export function nameOf(msg, person) {
  return person.display_name || msg("unnamed");
}

// The floor panel (templates/speakers/_floor.html), the same on every page.
export function mountFloor(root, msg, s, live, state) {
  const $ = (sel) => root.querySelector(sel);
  const panel = $("[data-floor]");

  function render() {
    const turn = s.floor;
    panel.dataset.state = turn ? "speaking" : "free";
    $("[data-floor-name]").textContent = turn ? nameOf(msg, turn) : msg("nobody");
    putText($("[data-floor-who]"), turn ? whoLine(msg, turn) : "");
    const topic = $("[data-floor-topic]");
    topic.hidden = !(turn && turn.topic);
    putText(topic, turn && turn.topic ? turn.topic : "");
    const limit = $("[data-floor-limit]");
    const shown = state.activeItemId();
    limit.textContent = shown === null ? msg("limit", { time: duration(s.timeLimit) })
      : msg(s.itemLimits[shown] ? "limit_item" : "limit", { time: duration(limitFor(s, shown)) });
    const queue = shown === null ? null : s.queues.get(shown);
    const count = queue ? queue.waiting : 0;
    const waiting = $("[data-waiting]");
    if (waiting) waiting.textContent = count === 0 ? msg("waiting_none")
      : count === 1 ? msg("waiting_one") : msg("waiting_many", { count });
    root.querySelectorAll("[data-ordering]").forEach((el) => { el.textContent = msg(`ordering:${s.ordering}`); });
    tick();
  }

  function tick() {
    const turn = s.floor;
    const remainingEl = $("[data-floor-remaining]");
    const over = $("[data-floor-overrun]");
    if (!turn) {
      remainingEl.textContent = "";
      $("[data-floor-elapsed]").textContent = "";
      over.hidden = true;
      panel.dataset.overrun = "false";
      return;
    }
    const clock = turnClock(turn, live.now());
    remainingEl.textContent = msg("left", { time: duration(Math.max(0, clock.remaining)) });
    $("[data-floor-elapsed]").textContent = msg("of_limit", {
      elapsed: duration(clock.elapsed), limit: duration(turn.limit_seconds + turn.extra_seconds),
    });
    over.hidden = clock.overrun === 0;
    over.textContent = clock.overrun ? msg("over", { time: duration(clock.overrun) }) : "";
    panel.dataset.overrun = clock.overrun ? "true" : "false";
  }

  setInterval(tick, 1000);
  return { render, tick };
}

// The feature's part of a page: its root, a finder within it, its sentences, and a
// way to send commands that shows a refusal in the part's error line (if it has one).
export function speakersPart(live) {
  const root = document.querySelector("[data-speakers]");
  if (!root) return null;
  const $ = (sel) => root.querySelector(sel);
  const error = $("[data-speakers-error]");
  return { root, $, msg: messages("speakers"), send: error ? commander(live, error) : null };
}

// Send a command; show its refusal in the feature's error line.
function commander(live, errorEl) {
  return async (name, payload = {}) => {
    errorEl.textContent = "";
    const ack = await live.command(name, payload);
    if (!ack.ok) errorEl.textContent = ack.error.message;
    return ack;
  };
}

// Options of an item <select>: "the current item" (value ""), then every item in order.
export function fillSpeakersItemSelect(select, state, msg) {
  if (!select.options.length) select.append(el("option", { value: "" }));
  const current = state.active();
  putText(select.options[0], current ? msg("current_item", { title: current.title }) : msg("no_current_item"));
  fillItemSelect(select, state.items());
}

// Totals of speaking time by a key ("stakeholder_group" or "country"), most time first.
export function totalsBy(record, key) {
  const totals = new Map();
  for (const item of record || []) {
    for (const turn of item.speakers) {
      const entry = totals.get(turn[key]) || { key: turn[key], turns: 0, seconds: 0 };
      entry.turns += 1;
      entry.seconds += turn.duration;
      totals.set(turn[key], entry);
    }
  }
  return [...totals.values()].sort((a, b) => b.seconds - a.seconds || String(a.key).localeCompare(String(b.key)));
}

export function renderTotals(table, rows, label) {
  table.querySelector("tbody").replaceChildren(...rows.map((row) => {
    const tr = document.createElement("tr");
    tr.append(el("th", { text: label(row.key) }), el("td", { text: String(row.turns) }),
      el("td", { text: duration(row.seconds) }));
    tr.firstChild.scope = "row";
    return tr;
  }));
}
