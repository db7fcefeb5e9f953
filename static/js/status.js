// "Reconnecting…" when the link drops, nothing when all is well.
const LABELS = { syncing: "Catching up…", reconnecting: "Reconnecting…", live: "" };

export function mountStatus(live, el) {
  live.onStatus((status) => {
    el.textContent = LABELS[status] ?? "";
    el.dataset.status = status;
    document.body.dataset.live = status;
  });
}

// How many people are connected now, pushed as a coalesced count.
export function mountPresence(live, el) {
  const show = (n) => { el.textContent = n === 1 ? "1 person here" : `${n} people here`; };
  live.onSnapshot((snap) => show(snap.present));
  live.onState("present", ({ present }) => show(present));
}
