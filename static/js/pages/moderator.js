import { connectLive } from "../live.js";
import { mountAgenda } from "../agenda.js";
import { mountAgendaControls } from "../agenda-controls.js";
import { mountStatus } from "../status.js";

const live = connectLive({ code: document.body.dataset.code });
const agendaRoot = document.querySelector("[data-agenda]");
mountStatus(live, document.querySelector("[data-live-status]"));
mountAgenda(live, agendaRoot);
mountAgendaControls(live, agendaRoot, document.querySelector(".controls"));
