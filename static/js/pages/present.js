import { connectLive } from "../live.js";
import { mountAgenda } from "../agenda.js";
import { mountStatus } from "../status.js";

const live = connectLive({ code: document.body.dataset.code, view: "present" });
mountStatus(live, document.querySelector("[data-live-status]"));
mountAgenda(live, document.querySelector("[data-agenda]"));
