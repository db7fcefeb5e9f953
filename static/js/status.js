// "Reconnecting…" when the link drops, nothing when all is well.
const LABELS = { syncing: "Catching up…", reconnecting: "Reconnecting…", live: "" };

export function mountStatus(live, el) {
  live.onStatus((status) => {
    el.textContent = LABELS[status] ?? "";
    el.dataset.status = status;
    document.body.dataset.live = status;
  });
}
