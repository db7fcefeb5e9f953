// A walk-in's page: someone who came with the join code to an invited consultation may
// watch, and ask if the moderator lets walk-ins ask. A calm line at the top says so, and
// the controls they may not use are held (core/held.js), described by that line — rather
// than offered and then refused. Taking back one's own upvote or hand stays possible.
// Live: the moderator's `participation_changed` reaches the page's store (core/consultation.js).
import { holdControls } from "../core/held.js";

const TAKING_PART = [
  "[data-slot=vote][aria-pressed=false]",
  "[data-polls] .poll-form fieldset",
  "[data-polls] .poll-form > button[type=submit]",
  "[data-raise-form] :is(select, input, button[type=submit])",
].join(", ");
const ASKING = "[data-q-ask] :is(textarea, select, input, button[type=submit])";

// `t`: the page's sentences (`walkInWatching`, `walkInMayAsk`).
export function mountWalkIn(state, line, t) {
  if (!line) return;
  const panels = document.querySelector("[data-panels]");
  // Two reasons, as each hold lets go of whatever it holds that its selector no longer names.
  const takingPart = holdControls(panels, TAKING_PART, { reason: "walk-in", describedBy: line.id });
  const asking = holdControls(panels, ASKING, { reason: "walk-in-asking", describedBy: line.id });

  state.onChange(() => {
    const walkIn = state.walkIn();
    const askingAllowed = state.participation().walk_in_questions;
    line.hidden = !walkIn || state.ended(); // the end card says it all then
    const text = t(askingAllowed ? "walkInMayAsk" : "walkInWatching");
    if (line.textContent !== text) line.textContent = text; // said once, when it changes
    takingPart.hold(walkIn);
    asking.hold(walkIn && !askingAllowed);
  });
}
