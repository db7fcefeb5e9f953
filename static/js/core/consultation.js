// The consultation's state as every page holds it, in one place: its header, its
// state (draft, live, ended), the agenda — items in agenda order and the one
// running now — and who may take part (open or invited, and whether this person
// came with the join code: then, in an invited consultation, a walk-in who watches).
// Fed by the snapshot and the event stream; features read it and subscribe to its
// changes instead of keeping copies that drift apart.

const ITEM_EVENTS = ["item_started", "item_ended", "item_extended", "item_added", "item_updated", "item_overran"];

export function trackConsultation(live) {
  let consultation = null;
  let plannedEnd = null;
  let items = [];
  let participation = { mode: "open", walk_in_questions: false, came_with_code: false };
  const listeners = [];
  const changed = (kind) => listeners.forEach((fn) => fn(kind));
  const byPosition = () => items.sort((a, b) => a.position - b.position);

  live.onSnapshot((snap) => {
    consultation = { ...snap.consultation };
    plannedEnd = snap.agenda.planned_end;
    if (snap.participation) participation = { ...snap.participation };
    items = snap.agenda.items.map((item) => ({ ...item }));
    byPosition();
    changed("snapshot");
  });
  for (const type of ITEM_EVENTS) {
    live.on(type, (item) => {
      const i = items.findIndex((x) => x.id === item.id);
      if (i >= 0) items[i] = { ...item }; else items.push({ ...item });
      byPosition();
      changed(type);
    });
  }
  live.on("agenda_reordered", ({ order }) => {
    order.forEach((id, position) => { const item = items.find((i) => i.id === id); if (item) item.position = position; });
    byPosition();
    changed("agenda_reordered");
  });
  live.on("consultation_started", ({ started_at, planned_end }) => {
    Object.assign(consultation, { started_at, state: "live" });
    plannedEnd = planned_end;
    changed("consultation_started");
  });
  live.on("participation_changed", ({ mode, walk_in_questions }) => {
    Object.assign(participation, { mode, walk_in_questions });
    changed("participation_changed");
  });
  live.on("consultation_ended", ({ ended_at }) => {
    Object.assign(consultation, { ended_at, state: "ended" });
    changed("consultation_ended");
  });

  const active = () => items.find((i) => i.state === "active") || null;
  return {
    // Called after every change, with what changed: "snapshot", an event type.
    onChange(fn) { listeners.push(fn); },
    consultation: () => consultation,
    plannedEnd: () => plannedEnd,
    items: () => items,
    item: (id) => items.find((i) => i.id === id) || null,
    active,
    activeItemId: () => active()?.id ?? null,
    ended: () => consultation?.state === "ended",
    participation: () => participation,
    // Came with the code to an invited consultation: may watch (and ask, if allowed).
    walkIn: () => participation.came_with_code && participation.mode === "invited",
  };
}
