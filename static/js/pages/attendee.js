// The attendee page's own part, loaded by the shared core (core/index.js) once the link is opening.
import { mountAgenda } from "../agenda/agenda.js";
import { live, state } from "../core/index.js";
import { mount as mountPolls } from "../polls/attendee.js";
import { mount as mountQuestions } from "../questions/attendee.js";
import { mount as mountSpeakers } from "../speakers/attendee.js";

mountAgenda(live, state, document.querySelector("[data-agenda]"));
mountQuestions(live, state);
mountPolls(live, state);
mountSpeakers(live, state);
