import { connectLive } from "../live.js";
import { mountAgenda } from "../agenda.js";
import { mountPresence, mountStatus } from "../status.js";
import { mount as mountQuestions } from "../questions/present.js";
import { mount as mountPolls } from "../polls/present.js";
import { mount as mountSpeakers } from "../speakers/present.js";

const live = connectLive({ code: document.body.dataset.code, view: "present" });
mountStatus(live, document.querySelector("[data-live-status]"));
mountPresence(live, document.querySelector("[data-present]"));
mountAgenda(live, document.querySelector("[data-agenda]"));
mountQuestions(live);
mountPolls(live);
mountSpeakers(live);
