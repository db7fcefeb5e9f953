// The agenda on every page: the current item, its clock, what is next, the whole plan.
// The server sends each item's accumulated time and the start of its current run;
// this module ticks the clocks locally against the server's time. The items and
// the consultation come from the page's one store (core/consultation.js).
import { bothZones, dateTime, duration } from "../core/format.js";
import { putText, t } from "../core/messages.js";

const REHEARSAL_GAP_MS = 6 * 3600 * 1000;

// `list: false`: the page draws the item list itself (the console's editor, agenda/controls.js).
export function mountAgenda(live, state, root, { list: drawList = true } = {}) {
  const $ = (sel) => root.querySelector(sel);

  function elapsedOf(item, now) {
    const running = item.run_started_at ? Math.max(0, (now - Date.parse(item.run_started_at)) / 1000) : 0;
    return item.elapsed_before + Math.floor(running);
  }
  const allotted = (item) => item.planned_minutes * 60 + item.extra_seconds;

  function projectedEnd(now) {
    const consultation = state.consultation();
    const items = state.items();
    const active = items.find((i) => i.state === "active");
    if (!active && items.every((i) => i.state === "pending")) {
      const scheduled = Date.parse(consultation.scheduled_start);
      const start = Math.abs(now - scheduled) > REHEARSAL_GAP_MS ? now : Math.max(now, scheduled);
      return start + items.reduce((s, i) => s + allotted(i), 0) * 1000;
    }
    const after = active ? active.position : -1;
    let seconds = 0;
    for (const item of items) {
      if (item.state === "active") seconds += Math.max(0, allotted(item) - elapsedOf(item, now));
      else if (item.state === "pending" && item.position > after) seconds += allotted(item);
    }
    return now + seconds * 1000;
  }

  function renderList() {
    const consultation = state.consultation();
    const items = state.items();
    if (drawList) {
      $("[data-agenda-items]").replaceChildren(...items.map((item) => {
        const li = document.createElement("li");
        li.dataset.itemId = item.id;
        li.dataset.state = item.state;
        if (item.state === "active") li.setAttribute("aria-current", "step");
        const title = document.createElement("span");
        title.className = "title";
        putText(title, item.title);
        const minutes = document.createElement("span");
        minutes.className = "minutes";
        minutes.textContent = t("minutes", { minutes: Math.round(allotted(item) / 60) });
        li.append(title, minutes);
        return li;
      }));
    }
    const active = state.active();
    const next = items.find((i) => i.state === "pending" && (!active || i.position > active.position));
    putText($("[data-now-title]"), active ? active.title : t(consultation.state === "ended" ? "ended" : "not_started"));
    $("[data-agenda-next]").textContent = next ? t("next", { title: next.title }) : "";
  }

  function tick() {
    const consultation = state.consultation();
    if (!consultation) return;
    const now = live.now();
    const active = state.active();
    if (active) {
      const elapsed = elapsedOf(active, now);
      const remaining = allotted(active) - elapsed;
      $("[data-now-elapsed]").textContent = duration(elapsed);
      $("[data-now-remaining]").textContent = duration(Math.max(0, remaining));
      const over = $("[data-now-overrun]");
      over.hidden = remaining >= 0;
      over.textContent = remaining < 0 ? t("over_time", { duration: duration(-remaining) }) : "";
      root.dataset.overrun = remaining < 0 ? "true" : "false";
    } else {
      $("[data-now-elapsed]").textContent = "–";
      $("[data-now-remaining]").textContent = "–";
      $("[data-now-overrun]").hidden = true;
    }
    if (consultation.started_at) {
      const end = consultation.ended_at ? Date.parse(consultation.ended_at) : now;
      const total = (end - Date.parse(consultation.started_at)) / 1000;
      $("[data-whole-elapsed]").textContent = t("of_planned", { elapsed: duration(total), minutes: consultation.planned_minutes });
    }
    // Before the start, a schedule on another occasion (a rehearsal, the demo)
    // is measured as if it started now, as the server does.
    const scheduled = Date.parse(consultation.scheduled_start);
    const rehearsal = !consultation.started_at && Math.abs(now - scheduled) > REHEARSAL_GAP_MS;
    const plannedEnd = rehearsal ? now + consultation.planned_minutes * 60000 : Date.parse(state.plannedEnd());
    const projected = consultation.ended_at ? Date.parse(consultation.ended_at) : projectedEnd(now);
    const late = Math.round((projected - plannedEnd) / 1000);
    $("[data-whole-end]").textContent = bothZones(new Date(projected).toISOString(), consultation.time_zone)
      + (late > 59 ? ` · ${t("late", { duration: duration(late) })}` : "");
  }

  function renderHeader() {
    const consultation = state.consultation();
    document.querySelectorAll("[data-field]").forEach((el) => {
      const field = el.dataset.field;
      if (field === "schedule") {
        el.textContent = bothZones(consultation.scheduled_start, consultation.time_zone, dateTime);
      } else if (field in consultation) {
        putText(el, consultation[field]);
      }
    });
  }

  state.onChange((kind) => {
    if (kind === "snapshot") renderHeader();
    if (kind !== "consultation_started") renderList();
    tick();
  });
  setInterval(tick, 1000);
}
