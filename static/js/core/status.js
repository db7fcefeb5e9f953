// "Reconnecting…" when the link drops, nothing when all is well. <body data-live>
// says the same to scripts and tests: "live" once the state is applied.
import { t } from "./messages.js";

const LABELS = { syncing: "catching_up", reconnecting: "reconnecting" };

export function mountStatus(live, el) {
  let status = "syncing";
  let pending = 0;
  const show = () => {
    const parts = [LABELS[status] ? t(LABELS[status]) : "", pending ? t("waiting_to_send", { count: pending }) : ""];
    el.textContent = parts.filter(Boolean).join(" · ");
    el.dataset.status = status;
    document.body.dataset.live = status;
  };
  live.onStatus((next) => { status = next; show(); });
  // <body data-snapshot="applied">: the consultation is on the page (tests measure it).
  live.onSnapshot(() => { document.body.dataset.snapshot = "applied"; });
  live.onPending((count) => { pending = count; show(); });
}

// How many people are connected now, pushed as a coalesced count.
export function mountPresence(live, el) {
  const show = (n) => { el.textContent = n === 1 ? t("one_person_here") : t("people_here", { count: n }); };
  live.onSnapshot((snap) => show(snap.present));
  live.onState("present", ({ present }) => show(present));
}
