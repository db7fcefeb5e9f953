// Speakers on the present view: who has the floor, their clock, how many wait.
import { mountFloor, speakersPart, trackSpeakers } from "./common.js";

export function mount(live, state) {
  const part = speakersPart(live);
  if (!part) return;
  const { root, msg } = part;
  const notice = root.querySelector("[data-list-closed]");
  const s = trackSpeakers(live, state, () => {
    floor.render();
    const active = state.activeItemId();
    const closed = active !== null && s.closed.has(active);
    notice.hidden = !closed;
    notice.textContent = closed ? msg("list_closed") : "";
  });
  const floor = mountFloor(root, msg, s, live, state);
}
