import { connectLive } from "../live.js";
import { mountAgenda } from "../agenda.js";
import { mountAgendaControls } from "../agenda-controls.js";
import { mountPresence, mountStatus } from "../status.js";
import { mount as mountQuestions } from "../questions/moderator.js";
import { mount as mountPolls } from "../polls/moderator.js";
import { mount as mountSpeakers } from "../speakers/moderator.js";

const live = connectLive({ code: document.body.dataset.code });
const agendaRoot = document.querySelector("[data-agenda]");
mountStatus(live, document.querySelector("[data-live-status]"));
mountPresence(live, document.querySelector("[data-present]"));
mountAgenda(live, agendaRoot, { startable: true });
mountAgendaControls(live, agendaRoot, document.querySelector(".controls"));
mountQuestions(live);
mountPolls(live);
mountSpeakers(live);
