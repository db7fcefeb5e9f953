// Speakers on the rapporteur's page: the floor, the queue, and the record — who spoke
// on each item and for how long, with totals by stakeholder group and by country.
import { el } from "../core/dom.js";
import { duration } from "../core/format.js";
import {
  countryName, mountFloor, nameOf, renderTotals, speakersPart, totalsBy, trackSpeakers, whoLine,
} from "./common.js";

export function mount(live, state) {
  const part = speakersPart(live);
  if (!part) return;
  const { root, $, msg } = part;
  const s = trackSpeakers(live, state, render);
  const floor = mountFloor(root, msg, s, live, state);

  function renderQueue() {
    const active = state.activeItemId();
    const queue = active === null ? null : s.queues.get(active);
    const hands = queue ? queue.hands : [];
    $("[data-queue]").replaceChildren(...hands.map((hand) =>
      el("li", { text: `${nameOf(msg, hand)} — ${whoLine(msg, hand)}${hand.topic ? ` — ${hand.topic}` : ""}` })));
    $("[data-queue-empty]").hidden = hands.length > 0;
  }

  function renderRecord() {
    const titles = new Map(state.items().map((i) => [i.id, i.title]));
    const spoken = (s.record || []).filter((item) => item.speakers.length);
    $("[data-record]").replaceChildren(...spoken.map((item) => {
      const section = el("section", { class: "record-item" });
      const total = item.speakers.reduce((sum, t) => sum + t.duration, 0);
      section.append(el("h4", { text: `${titles.get(item.item_id) ?? item.title} · ${duration(total)}` }));
      const list = el("ol");
      list.append(...item.speakers.map((turn) =>
        el("li", { text: `${nameOf(msg, turn)} (${whoLine(msg, turn)}) — ${duration(turn.duration)}` })));
      section.append(list);
      return section;
    }));
    if (!spoken.length) $("[data-record]").append(el("p", { class: "muted", text: msg("no_speakers_yet") }));
  }

  function render() {
    floor.render();
    renderQueue();
    renderRecord();
    const groups = totalsBy(s.record, "stakeholder_group");
    renderTotals($("[data-totals-group]"), groups, (key) => msg(`group:${key}`));
    $("[data-totals-empty]").hidden = groups.length > 0;
    renderTotals($("[data-totals-country]"), totalsBy(s.record, "country"),
      (key) => countryName(key) || msg("country_unknown"));
  }
}
