// The moderator page's own part, loaded by the shared core (core/index.js) once the link is opening:
// the status strip (always in view) and the panes — agenda, questions, speakers, polls.
import { mountAgenda } from "../agenda/agenda.js";
import { mountAgendaControls } from "../agenda/controls.js";
import { live, state } from "../core/index.js";
import { messages, t } from "../core/messages.js";
import { mount as mountPolls } from "../polls/moderator.js";
import { mount as mountQuestions } from "../questions/moderator.js";
import { mount as mountPublish } from "../reports/publish.js";
import { mount as mountScreen } from "../screen/moderator.js";
import { mount as mountSpeakers } from "../speakers/moderator.js";

const strip = document.querySelector("[data-strip]");
const pane = document.querySelector("[data-agenda]");
// The running item's clock is in the strip, the plan in the pane: one agenda over both.
mountAgenda(live, state, document.querySelector("main"), { list: false });
mountAgendaControls(live, state, { strip, pane });
mountQuestions(live, state);
mountPolls(live, state, { strip });
mountSpeakers(live, state, { strip });
mountScreen(live);
mountPublish(live, state);

// The Chatham House switch: as the snapshot says (every page reads a fresh one when it
// changes, this one included), and sent as `set_chatham_house` when ticked or unticked.
const chatham = document.querySelector("[data-chatham-switch]");
const chathamError = document.querySelector("[data-chatham-error]");
live.onSnapshot((snap) => { chatham.checked = Boolean(snap.consultation.chatham_house); });
chatham.addEventListener("change", async () => {
  chathamError.textContent = "";
  const ack = await live.command("set_chatham_house", { on: chatham.checked });
  if (!ack.ok) { chathamError.textContent = ack.error.message; chatham.checked = !chatham.checked; }
});

// The link's state, said in words at all times (not only when it is down).
const c = messages("console");
const connection = strip.querySelector("[data-connection]");
const LABELS = { live: () => c("connected"), syncing: () => t("catching_up"), reconnecting: () => t("reconnecting") };
live.onStatus((status) => {
  connection.dataset.status = status;
  connection.textContent = (LABELS[status] || LABELS.syncing)();
});
connection.textContent = t("catching_up");
