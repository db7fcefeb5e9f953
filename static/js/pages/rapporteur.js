import { mountAgenda } from "../agenda/agenda.js";
import { startPage } from "../core/page.js";
import { mount as mountPolls } from "../polls/rapporteur.js";
import { mount as mountQuestions } from "../questions/rapporteur.js";
import { mount as mountReports } from "../reports/rapporteur.js";
import { mount as mountSpeakers } from "../speakers/rapporteur.js";

const { live, state } = startPage();
mountAgenda(live, state, document.querySelector("[data-agenda]"));
mountReports(live, state);
mountQuestions(live, state);
mountPolls(live, state);
mountSpeakers(live, state);
