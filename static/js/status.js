// "Reconnecting…" when the link drops, nothing when all is well.
import { t } from "./i18n.js";

const LABELS = { syncing: "catching_up", reconnecting: "reconnecting" };

export function mountStatus(live, el) {
  live.onStatus((status) => {
    el.textContent = LABELS[status] ? t(LABELS[status]) : "";
    el.dataset.status = status;
    document.body.dataset.live = status;
  });
}

// How many people are connected now, pushed as a coalesced count.
export function mountPresence(live, el) {
  const show = (n) => { el.textContent = n === 1 ? t("one_person_here") : t("people_here", { count: n }); };
  live.onSnapshot((snap) => show(snap.present));
  live.onState("present", ({ present }) => show(present));
}
