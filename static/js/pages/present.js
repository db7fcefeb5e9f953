// The present page's own part, loaded by the shared core (core/index.js) once the link is opening.
import { mountAgenda } from "../agenda/agenda.js";
import { live, state } from "../core/index.js";
import { mount as mountPolls } from "../polls/present.js";
import { mount as mountQuestions } from "../questions/present.js";
import { mount as mountScreen } from "../screen/present.js";
import { mount as mountSpeakers } from "../speakers/present.js";

mountAgenda(live, state, document.querySelector("[data-agenda]"));
const questions = mountQuestions(live, state);
const polls = mountPolls(live, state);
mountSpeakers(live, state);
mountScreen(live, { polls, questions });
