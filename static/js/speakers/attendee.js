// Speakers on the attendee page: raise a hand, see one's place, be told when one has the floor.
import { actionButton, el, keyedList, setText } from "../core/dom.js";
import { putText } from "../core/messages.js";
import { duration } from "../core/format.js";
import { fillSpeakersItemSelect, mountFloor, speakersPart, trackSpeakers, turnClock } from "./common.js";

export function mount(live, state) {
  const part = speakersPart(live);
  if (!part) return;
  const { root, $, msg, send } = part;
  const select = $("[data-item-select]");
  const banner = $("[data-my-floor]");
  const announce = document.querySelector("[data-my-announce]");
  const pageTitle = document.title;
  let warned = { thirty: false, up: false };
  let speakingHand = null;

  const s = trackSpeakers(live, state, (what, detail) => {
    if (what === "mine") tell(detail);
    render();
  });
  const floor = mountFloor(root, msg, s, live, state);

  function tell(reason) {
    const text = {
      turn_ended: msg("your_turn_ended"),
      hand_removed: msg("your_hand_removed"),
      hand_put_back: msg("your_hand_back"),
    }[reason];
    if (text) announce.textContent = text;
  }

  function chosenItem() {
    return select.value ? Number(select.value) : state.activeItemId();
  }

  function placeText(hand) {
    const queue = s.queues.get(hand.item_id);
    const index = queue ? queue.hand_ids.indexOf(hand.id) : -1;
    if (index < 0) return msg("place_unknown");
    if (index === 0) return msg("place_first");
    return msg("place", { place: index + 1, ahead: index });
  }

  function renderMine() {
    const waiting = s.mine.filter((h) => h.state === "waiting");
    keyedList($("[data-mine]"), waiting, (hand) => hand.id, myHand, fillMyHand);
    $("[data-mine-empty]").hidden = waiting.length > 0;
  }

  // One's own waiting hand, kept while it waits (keyedList): Withdraw stays pressable.
  function myHand(hand) {
    return el("li", {}, el("span", { class: "mine-item" }), el("span", { class: "mine-topic" }),
      el("span", { class: "mine-place" }), actionButton(msg("withdraw"), { action: "withdraw", handId: hand.id }));
  }

  function fillMyHand(li, hand) {
    const item = state.item(hand.item_id);
    putText(li.querySelector(".mine-item"), msg("on_item", { title: item ? item.title : "" }));
    setText(li.querySelector(".mine-topic"), hand.topic);
    putText(li.querySelector(".mine-place"), placeText(hand));
  }

  function renderMyFloor() {
    const mineSpeaking = s.floor && s.mine.some((h) => h.id === s.floor.hand_id);
    const hand = mineSpeaking ? s.floor.hand_id : null;
    if (hand !== speakingHand) {
      speakingHand = hand;
      warned = { thirty: false, up: false };
      banner.hidden = hand === null;
      document.body.dataset.hasFloor = hand === null ? "false" : "true";
      document.title = hand === null ? pageTitle : `${msg("you_have_the_floor")} — ${pageTitle}`;
      const alert = document.querySelector("[data-my-alert]");
      alert.textContent = "";
      if (hand !== null) {
        const clock = turnClock(s.floor, live.now());
        alert.textContent = msg("you_have_the_floor_for", { time: duration(Math.max(0, clock.remaining)) });
        if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
      }
    }
    tickMine();
  }

  function tickMine() {
    if (speakingHand === null || !s.floor) return;
    const clock = turnClock(s.floor, live.now());
    $("[data-my-remaining]").textContent = msg("left", { time: duration(Math.max(0, clock.remaining)) });
    const over = $("[data-my-overrun]");
    over.hidden = clock.overrun === 0;
    over.textContent = clock.overrun ? msg("over", { time: duration(clock.overrun) }) : "";
    banner.dataset.overrun = clock.overrun ? "true" : "false";
    // Two spoken cues only, so a screen reader is not flooded by the countdown.
    if (!warned.thirty && clock.remaining <= 30 && clock.remaining > 0) {
      warned.thirty = true;
      announce.textContent = msg("thirty_seconds");
    }
    if (!warned.up && clock.remaining <= 0) {
      warned.up = true;
      announce.textContent = msg("your_time_is_up");
    }
  }

  function renderForm() {
    fillSpeakersItemSelect(select, state, msg);
    const item = chosenItem();
    const closed = item !== null && s.closed.has(item);
    const notice = $("[data-list-closed]");
    notice.hidden = !closed;
    notice.textContent = closed ? msg("list_closed") : "";
    $("[data-raise]").disabled = closed || item === null || state.ended();
  }

  function render() {
    floor.render();
    renderForm();
    renderMine();
    renderMyFloor();
  }

  select.addEventListener("change", renderForm);
  $("[data-raise-form]").addEventListener("submit", async (e) => {
    e.preventDefault();
    const topic = $("[data-topic]");
    const payload = { topic: topic.value };
    if (select.value) payload.item_id = Number(select.value);
    const ack = await send("raise_hand", payload);
    if (ack.ok) topic.value = "";
  });
  root.addEventListener("click", (e) => {
    const target = e.target.closest("[data-action]");
    if (!target) return;
    if (target.dataset.action === "withdraw") send("withdraw_hand", { hand_id: Number(target.dataset.handId) });
    if (target.dataset.action === "yield" && speakingHand !== null) send("end_turn", { hand_id: speakingHand });
  });
  setInterval(tickMine, 1000);
}
