// Speakers on the present view: who has the floor, their clock, how many wait.
import { messagesOf, mountFloor, trackSpeakers } from "./common.js";

export function mount(live) {
  const root = document.querySelector("[data-speakers]");
  if (!root) return;
  const msg = messagesOf(root);
  const notice = root.querySelector("[data-list-closed]");
  const s = trackSpeakers(live, () => {
    floor.render();
    const closed = s.activeId !== null && s.closed.has(s.activeId);
    notice.hidden = !closed;
    notice.textContent = closed ? msg("list_closed") : "";
  });
  const floor = mountFloor(root, msg, s, live);
}
