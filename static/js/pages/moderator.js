// The moderator page's own part, loaded by the shared core (core/index.js) once the link is opening.
import { mountAgenda } from "../agenda/agenda.js";
import { mountAgendaControls } from "../agenda/controls.js";
import { live, state } from "../core/index.js";
import { mount as mountPolls } from "../polls/moderator.js";
import { mount as mountQuestions } from "../questions/moderator.js";
import { mount as mountScreen } from "../screen/moderator.js";
import { mount as mountSpeakers } from "../speakers/moderator.js";

const agendaRoot = document.querySelector("[data-agenda]");
mountAgenda(live, state, agendaRoot, { startable: true });
mountAgendaControls(live, state, agendaRoot, document.querySelector(".controls"));
mountQuestions(live, state);
mountPolls(live, state);
mountSpeakers(live, state);
mountScreen(live);
