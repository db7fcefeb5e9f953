import { mountAgenda } from "../agenda/agenda.js";
import { startPage } from "../core/page.js";
import { mount as mountPolls } from "../polls/attendee.js";
import { mount as mountQuestions } from "../questions/attendee.js";
import { mount as mountSpeakers } from "../speakers/attendee.js";

const { live, state } = startPage();
mountAgenda(live, state, document.querySelector("[data-agenda]"));
mountQuestions(live, state);
mountPolls(live, state);
mountSpeakers(live, state);
