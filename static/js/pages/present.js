import { mountAgenda } from "../agenda/agenda.js";
import { startPage } from "../core/page.js";
import { mount as mountPolls } from "../polls/present.js";
import { mount as mountQuestions } from "../questions/present.js";
import { mount as mountSpeakers } from "../speakers/present.js";

const { live, state } = startPage({ view: "present" });
mountAgenda(live, state, document.querySelector("[data-agenda]"));
mountQuestions(live, state);
mountPolls(live, state);
mountSpeakers(live, state);
