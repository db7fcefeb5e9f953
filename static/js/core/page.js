// What every live page starts with: the link to the server, the consultation's
// state fed by it, the connection status line and the count of people here.
import { mountChatham } from "./chatham.js";
import { trackConsultation } from "./consultation.js";
import { connectLive } from "./live.js";
import { mountPresence, mountStatus } from "./status.js";

export function startPage({ view, ready } = {}) {
  const live = connectLive({ code: document.body.dataset.code, view, ready });
  const state = trackConsultation(live);
  mountStatus(live, document.querySelector("[data-live-status]"));
  mountPresence(live, document.querySelector("[data-present]"));
  mountChatham(live);
  return { live, state };
}
