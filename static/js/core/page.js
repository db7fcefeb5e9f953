// What every live page starts with: the link to the server, the consultation's
// state fed by it, the connection status line and the count of people here.
import { mountChatham } from "./chatham.js";
import { trackConsultation } from "./consultation.js";
import { connectLive } from "./live.js";
import { mountPresence, mountStatus } from "./status.js";

// A page may carry its snapshot (<script id="bz-snapshot">): shown once the page's part
// is mounted, before the connection is up.
function snapshotInThePage() {
  const node = document.getElementById("bz-snapshot");
  try { return node ? JSON.parse(node.textContent) : null; } catch { return null; }
}

export function startPage({ view, ready } = {}) {
  const live = connectLive({ code: document.body.dataset.code, view, ready, initial: snapshotInThePage() });
  const state = trackConsultation(live);
  mountStatus(live, document.querySelector("[data-live-status]"));
  mountPresence(live, document.querySelector("[data-present]"));
  mountChatham(live);
  return { live, state };
}
