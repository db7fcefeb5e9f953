// The attendee page's own part, loaded by the shared core (core/index.js) once the link is opening.
// On a phone it is one panel at a time behind four tabs (Questions, Poll, Speak, Agenda), under a
// bar with the running item and its clock; a tab not shown gets a badge when its part changes,
// and a poll that opens comes to the person (its tab is chosen, it is announced, and a button
// leads back to where they were).
import { mountAgenda } from "../agenda/agenda.js";
import { mountEndScreen, mountLiveBar, mountPublished } from "../agenda/attendee.js";
import { announcer } from "../core/dom.js";
import { live, messages, state } from "../core/index.js";
import { mountWalkIn } from "../invitations/attendee.js";
import { mount as mountPolls } from "../polls/attendee.js";
import { mount as mountQuestions } from "../questions/attendee.js";
import { mount as mountSpeakers } from "../speakers/attendee.js";

const t = messages("attendee");
const tabs = [...document.querySelectorAll("[data-tab]")];
const panels = new Map([...document.querySelectorAll("[data-panel]")].map((panel) => [panel.dataset.panel, panel]));
const back = document.querySelector("[data-poll-back]");
let current = "questions";
let cameFrom = null;

function choose(name, { focus = false, scroll = true } = {}) {
  current = name;
  tabs.forEach((tab) => {
    const chosen = tab.dataset.tab === name;
    tab.setAttribute("aria-selected", String(chosen));
    tab.tabIndex = chosen ? 0 : -1;
    if (chosen) tab.querySelector("[data-tab-badge]").hidden = true;
    if (chosen && focus) tab.focus();
  });
  panels.forEach((panel, key) => { panel.toggleAttribute("data-current", key === name); });
  cameFrom = null;
  back.hidden = true;
  // The panel starts just under the sticky bars, not wherever the last one was scrolled to.
  if (scroll) {
    const top = document.querySelector("[data-panels]").getBoundingClientRect().top + scrollY
      - document.querySelector("[data-tabs]").getBoundingClientRect().bottom;
    if (scrollY > top) scrollTo({ top, behavior: "instant" });
  }
}

tabs.forEach((tab) => tab.addEventListener("click", () => choose(tab.dataset.tab)));
// The tabs pattern: arrows (mirrored right to left), Home and End.
document.querySelector("[role=tablist]").addEventListener("keydown", (e) => {
  const at = tabs.indexOf(e.target.closest("[role=tab]"));
  if (at < 0) return;
  const rtl = document.dir === "rtl";
  const to = { [rtl ? "ArrowLeft" : "ArrowRight"]: (at + 1) % tabs.length,
    [rtl ? "ArrowRight" : "ArrowLeft"]: (at - 1 + tabs.length) % tabs.length, Home: 0, End: tabs.length - 1 }[e.key];
  if (to === undefined) return;
  e.preventDefault();
  choose(tabs[to].dataset.tab, { focus: true });
});

// A badge on a tab whose part changed while another was shown.
function changed(name) {
  if (name === current || state.ended()) return;
  tabs.find((tab) => tab.dataset.tab === name).querySelector("[data-tab-badge]").hidden = false;
}
const PARTS = [
  [/^(question|questions)_/, "questions"],
  [/^poll_/, "poll"],
  [/^(floor_given|turn_|speakers_list_)/, "speak"],
  [/^(item_started|item_added|agenda_reordered)$/, "agenda"],
];
live.on("*", (data, event) => {
  const part = PARTS.find(([pattern]) => pattern.test(event.type));
  if (part) changed(part[1]);
});

// A poll that opens comes to the person: its tab, said aloud, and the way back.
const say = announcer(document.querySelector("[data-tab-announce]"));
live.on("poll_opened", () => {
  if (state.ended() || current === "poll") return;
  const from = current;
  choose("poll");
  cameFrom = from;
  back.querySelector("[data-back-label]").textContent = t("back", { part: t(from) });
  back.hidden = false;
});
back.querySelector("[data-back]").addEventListener("click", () => choose(cameFrom || "questions", { focus: true }));
// At the start, an open poll one has not answered is what is live.
live.onSnapshot((snap) => {
  const open = snap.polls.items.find((poll) => poll.state === "open");
  if (open && !(String(open.id) in snap.polls.my_ballots) && snap.consultation.state !== "ended") choose("poll", { scroll: false });
});

// A high-contrast theme, on request (it also follows the system's `prefers-contrast: more`).
const contrast = document.querySelector("[data-contrast-toggle]");
if (contrast) {
  const root = document.documentElement;
  const show = () => {
    const on = root.dataset.contrast === "more";
    contrast.setAttribute("aria-pressed", String(on));
  };
  contrast.addEventListener("click", () => {
    const on = root.dataset.contrast !== "more";
    if (on) root.dataset.contrast = "more"; else delete root.dataset.contrast;
    try { localStorage.setItem("baraza:contrast", on ? "more" : ""); } catch { /* private mode */ }
    show();
  });
  try { if (localStorage.getItem("baraza:contrast") === "more") root.dataset.contrast = "more"; } catch { /* private mode */ }
  show();
}

mountLiveBar(live, state, document.querySelector("[data-live-bar]"));
mountEndScreen(state, document.querySelector("[data-end]"), {
  ended: () => { say(t("ended")); document.querySelector("[data-end]").focus({ preventScroll: true }); },
});
mountPublished(live, document.querySelector("[data-end]"), { published: () => say(t("reportPublished")) });
mountWalkIn(state, document.querySelector("[data-walk-in]"), t);
mountAgenda(live, state, document.querySelector("[data-agenda]"));
mountQuestions(live, state);
mountPolls(live, state);
mountSpeakers(live, state);
