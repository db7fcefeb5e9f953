// Speakers on the moderator console: the ordered queue, the ordering in force, the list
// open or closed, the speaking time, the totals; in the status strip, who has the floor
// with the countdown and End, and how many hands wait on the running item.
import { actionButton, el, keyedList, setText } from "../core/dom.js";
import { duration } from "../core/format.js";
import { messages, putText } from "../core/messages.js";
import {
  fillSpeakersItemSelect, limitFor, nameOf, renderTotals, speakersPart, totalsBy,
  trackSpeakers, turnClock, whoLine,
} from "./common.js";

const OFF_LIST_KEPT = 10;

export function mount(live, state, { strip } = {}) {
  const part = speakersPart(live);
  if (!part) return;
  const { root, $, msg, send } = part;
  const select = $("[data-item-select]");
  const offList = []; // hands withdrawn or removed since this page opened, newest first

  const s = trackSpeakers(live, state, render);
  const c = messages("console");
  const inStrip = (sel) => strip.querySelector(sel);

  // The strip: the floor and its clock, ticked locally from the server's start and limit.
  function tickFloor() {
    const turn = s.floor;
    const cell = inStrip("[data-strip-floor]");
    const over = inStrip("[data-strip-floor-overrun]");
    cell.dataset.state = turn ? "speaking" : "free";
    inStrip("[data-floor-name]").textContent = turn ? nameOf(msg, turn) : msg("nobody");
    strip.querySelectorAll("[data-strip-action=end_turn], [data-strip-action=extend_turn]")
      .forEach((b) => { b.disabled = !turn; });
    if (!turn) {
      inStrip("[data-strip-floor-clock]").textContent = "";
      over.hidden = true;
      cell.dataset.overrun = "false";
      return;
    }
    const clock = turnClock(turn, live.now());
    inStrip("[data-strip-floor-clock]").textContent = c("remaining", { time: duration(Math.max(0, clock.remaining)) });
    over.hidden = clock.overrun === 0;
    over.textContent = clock.overrun ? msg("over", { time: duration(clock.overrun) }) : "";
    cell.dataset.overrun = clock.overrun ? "true" : "false";
  }
  setInterval(tickFloor, 1000);

  function renderStrip() {
    const running = state.activeItemId();
    const queue = running === null ? null : s.queues.get(running);
    const count = queue ? queue.waiting : 0;
    inStrip("[data-strip-hands]").textContent = count === 0 ? c("hands_none")
      : count === 1 ? c("hands_one") : c("hands_many", { count });
    inStrip("[data-strip-action=next]").disabled = count === 0;
    tickFloor();
  }

  live.on("hand_raised", (hand) => {
    $("[data-announce]").textContent = msg("raised", { name: nameOf(msg, hand), group: msg(`group:${hand.stakeholder_group}`) });
  });
  for (const type of ["hand_withdrawn", "hand_removed"]) {
    live.on(type, (hand) => {
      offList.unshift({ ...hand, reason: type === "hand_removed" ? "removed" : "withdrawn" });
      offList.length = Math.min(offList.length, OFF_LIST_KEPT);
      render();
    });
  }
  live.on("hand_put_back", (hand) => {
    const i = offList.findIndex((h) => h.id === hand.id);
    if (i >= 0) offList.splice(i, 1);
    render();
  });

  function shownItem() {
    return select.value ? Number(select.value) : state.activeItemId();
  }

  function renderQueue(item) {
    const queue = item === null ? null : s.queues.get(item);
    keyedList($("[data-queue]"), queue ? queue.hands : [], (hand) => hand.id, queuedHand, fillQueuedHand);
    $("[data-queue-empty]").hidden = Boolean(queue);
  }

  // A waiting hand's row; kept while it waits, so a press on its buttons survives the
  // queue's changes (keyedList).
  function queuedHand(hand) {
    const who = el("div", { class: "who" }, el("strong"), el("span", { class: "muted" }), el("span"));
    const actions = el("div", { class: "buttons" },
      actionButton(msg("give_floor"), { action: "give", handId: hand.id }, ""),
      actionButton(msg("remove"), { action: "remove", handId: hand.id }));
    return el("li", {}, who, el("p", { class: "topic" }), actions);
  }

  function fillQueuedHand(li, hand) {
    const [name, line, badge] = li.querySelector(".who").children;
    putText(name, nameOf(msg, hand));
    putText(line, whoLine(msg, hand));
    badge.className = hand.spoken_before ? "badge" : "badge first";
    putText(badge, hand.spoken_before ? msg("spoke_before", { count: hand.turns }) : msg("first_time"));
    setText(li.querySelector(".topic"), hand.topic);
  }

  function renderOffList() {
    $("[data-off-list-part]").hidden = offList.length === 0;
    $("[data-off-list]").replaceChildren(...offList.map((hand) => {
      const li = el("li");
      li.append(el("span", { text: `${nameOf(msg, hand)} — ${msg(hand.reason)}` }),
        actionButton(msg("put_back"), { action: "put_back", handId: hand.id }));
      return li;
    }));
  }

  function render() {
    renderStrip();
    $("[data-floor-line-name]").textContent = s.floor ? nameOf(msg, s.floor) : "";
    const running = state.activeItemId();
    $("[data-floor-limit]").textContent = running === null ? msg("limit", { time: duration(s.timeLimit) })
      : msg(s.itemLimits[running] ? "limit_item" : "limit", { time: duration(limitFor(s, running)) });
    root.querySelectorAll("[data-ordering]").forEach((node) => { node.textContent = msg(`ordering:${s.ordering}`); });
    fillSpeakersItemSelect(select, state, msg);
    const item = shownItem();
    const closed = item !== null && s.closed.has(item);
    $("[data-list-state]").textContent = item === null ? "" : msg(closed ? "list_closed" : "list_open");
    const toggle = $("[data-action=toggle_list]");
    toggle.textContent = msg(closed ? "reopen_list" : "close_list");
    toggle.disabled = item === null;
    $("[data-floor-controls]").hidden = !s.floor;
    root.querySelectorAll("input[name=speakers-ordering]").forEach((radio) => {
      radio.checked = radio.value === s.ordering;
    });
    const minutes = $("[data-limit-minutes]");
    if (document.activeElement !== minutes) {
      minutes.value = String(limitFor(s, $("[data-limit-item]").checked ? item : null) / 60);
    }
    renderQueue(item);
    renderOffList();
    const groups = totalsBy(s.record, "stakeholder_group");
    renderTotals($("[data-totals-group]"), groups, (key) => msg(`group:${key}`));
    $("[data-totals-empty]").hidden = groups.length > 0;
  }

  select.addEventListener("change", render);
  $("[data-limit-item]").addEventListener("change", render);
  root.querySelectorAll("input[name=speakers-ordering]").forEach((radio) => {
    radio.addEventListener("change", () => send("set_speakers_ordering", { ordering: radio.value }));
  });
  $("[data-limit-form]").addEventListener("submit", (e) => {
    e.preventDefault();
    const payload = { seconds: Math.round(Number($("[data-limit-minutes]").value) * 60) };
    if ($("[data-limit-item]").checked && shownItem() !== null) payload.item_id = shownItem();
    send("set_speaking_time", payload);
  });

  // Giving the floor names the turn the chair can see, so two chairs acting at
  // once move the floor on only once (the other is told the floor is taken).
  const replacing = () => (s.floor ? { replacing: s.floor.hand_id } : {});
  strip.addEventListener("click", (e) => {
    const target = e.target.closest("[data-strip-action]");
    if (!target) return;
    switch (target.dataset.stripAction) {
      case "next": send("give_floor", { ...replacing() }); break; // the running item's queue
      case "end_turn": if (s.floor) send("end_turn", { hand_id: s.floor.hand_id }); break;
      case "extend_turn": send("extend_turn", { seconds: Number(target.dataset.seconds) }); break;
      default: break;
    }
  });
  root.addEventListener("click", (e) => {
    const target = e.target.closest("[data-action]");
    if (!target) return;
    const handId = Number(target.dataset.handId);
    const item = shownItem();
    switch (target.dataset.action) {
      case "give": send("give_floor", { hand_id: handId, ...replacing() }); break;
      case "remove": send("remove_hand", { hand_id: handId }); break;
      case "put_back": send("put_hand_back", { hand_id: handId }); break;
      case "put_back_speaker": if (s.floor) send("put_hand_back", { hand_id: s.floor.hand_id }); break;
      case "extend_turn": send("extend_turn", { seconds: Number(target.dataset.seconds) }); break;
      case "toggle_list":
        if (item !== null) send(s.closed.has(item) ? "reopen_speakers_list" : "close_speakers_list", { item_id: item });
        break;
      default: break;
    }
  });
}
