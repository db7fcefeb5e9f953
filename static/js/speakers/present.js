// Speakers on the present view: who has the floor, their clock, how many wait.
import { mountFloor, speakersPart, trackSpeakers } from "./common.js";

export function mount(live) {
  const part = speakersPart(live);
  if (!part) return;
  const { root, msg } = part;
  const notice = root.querySelector("[data-list-closed]");
  const s = trackSpeakers(live, () => {
    floor.render();
    const closed = s.activeId !== null && s.closed.has(s.activeId);
    notice.hidden = !closed;
    notice.textContent = closed ? msg("list_closed") : "";
  });
  const floor = mountFloor(root, msg, s, live);
}
