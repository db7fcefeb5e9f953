// The rapporteur page's own part, loaded by the shared core (core/index.js) once the link is opening.
import { mountAgenda } from "../agenda/agenda.js";
import { live, state } from "../core/index.js";
import { mount as mountPolls } from "../polls/rapporteur.js";
import { mount as mountQuestions } from "../questions/rapporteur.js";
import { mount as mountPublish } from "../reports/publish.js";
import { mount as mountReports } from "../reports/rapporteur.js";
import { mount as mountSpeakers } from "../speakers/rapporteur.js";

mountAgenda(live, state, document.querySelector("[data-agenda]"));
mountReports(live, state);
mountPublish(live, state);
mountQuestions(live, state);
mountPolls(live, state);
mountSpeakers(live, state);
