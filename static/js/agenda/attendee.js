// The attendee's phone: the bar that keeps what is live in sight (the running item and
// its clock), and the end screen once the consultation is over. The items and the
// consultation come from the page's one store (core/consultation.js).
import { duration } from "../core/format.js";
import { holdControls } from "../core/held.js";
import { putText, t } from "../core/messages.js";

export function mountLiveBar(live, state, bar) {
  if (!bar) return;
  const title = bar.querySelector("[data-bar-title]");
  const clock = bar.querySelector("[data-bar-clock]");
  const remaining = bar.querySelector("[data-bar-remaining]");

  function tick() {
    const consultation = state.consultation();
    if (!consultation) return;
    const active = state.ended() ? null : state.active();
    putText(title, active ? active.title : t(consultation.state === "ended" ? "ended" : "not_started"));
    clock.hidden = !active;
    if (!active) { delete bar.dataset.overrun; return; }
    const running = active.run_started_at ? Math.max(0, (live.now() - Date.parse(active.run_started_at)) / 1000) : 0;
    const left = active.planned_minutes * 60 + active.extra_seconds - active.elapsed_before - Math.floor(running);
    remaining.textContent = left >= 0 ? duration(left) : `+${duration(-left)}`;
    bar.dataset.overrun = String(left < 0);
  }
  state.onChange(tick);
  setInterval(tick, 1000);
}

// Once the consultation has ended: the thanks and what happens next come first, every
// control that sends something is disabled, and what no longer applies (what is next,
// a projected end) is gone. `ended` is called once, when it happens or with the snapshot.
export function mountEndScreen(state, card, { ended } = {}) {
  if (!card) return;
  let shown = false;
  const held = holdControls(document.querySelector("[data-panels]"),
    ":is(input, select, textarea, button[type=submit], [data-action], [data-slot=vote])",
    { reason: "ended", describedBy: card.getAttribute("aria-labelledby") });
  state.onChange(() => {
    if (!state.ended()) return;
    document.body.dataset.ended = "true";
    card.hidden = false;
    held.hold(true); // and kept held as parts re-render their controls
    if (!shown) { shown = true; ended?.(); }
  });
}

// The end screen's links to what staff published: the report (its button), and the
// moderation counts beside it. Live — the event may come long after the end — and on
// reload, from the snapshot. `published` is told when the report's link appears.
export function mountPublished(live, card, { published } = {}) {
  if (!card) return;
  const line = card.querySelector("[data-end-report]");
  const report = card.querySelector("[data-end-report-link]");
  const figures = card.querySelector("[data-end-figures-link]");
  const paths = { report: null, moderation: null };
  function render() {
    line.hidden = !paths.report;
    if (paths.report) report.href = paths.report;
    figures.hidden = !paths.moderation;
    if (paths.moderation) figures.href = paths.moderation;
  }
  live.onSnapshot((snap) => { Object.assign(paths, snap.publication); render(); });
  live.on("report_published", ({ path }) => { paths.report = path; render(); published?.(); });
  live.on("report_withdrawn", () => { paths.report = null; render(); });
  live.on("moderation_page_published", ({ path }) => { paths.moderation = path; render(); });
  live.on("moderation_page_withdrawn", () => { paths.moderation = null; render(); });
}
