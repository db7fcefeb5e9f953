// The live link to the server: one Socket.IO connection, the consultation's state
// kept in step with its event log. Features subscribe to event types; nothing
// else talks to the socket.
import { io } from "../vendor/socket.io.esm.min.js";
import { t } from "./i18n.js";

export function connectLive({ code, view }) {
  const handlers = new Map();
  const snapshotHandlers = [];
  const stateHandlers = new Map();
  const statusHandlers = [];
  let seq = null;
  let offsetMs = 0; // server clock minus ours
  let buffered = [];

  const socket = io({
    auth: (cb) => cb({ code, view, since: seq }),
    transports: ["websocket", "polling"],
    reconnectionDelayMax: 10000,
  });

  function setStatus(status) {
    statusHandlers.forEach((fn) => fn(status));
  }

  function applySnapshot(snapshot) {
    seq = snapshot.seq;
    offsetMs = Date.parse(snapshot.server_time) - Date.now();
    snapshotHandlers.forEach((fn) => fn(snapshot));
    const pending = buffered;
    buffered = [];
    pending.forEach(receive);
  }

  function apply(event) {
    seq = event.seq;
    (handlers.get(event.type) || []).forEach((fn) => fn(event.data, event));
    (handlers.get("*") || []).forEach((fn) => fn(event.data, event));
  }

  function receive(event) {
    if (seq === null) { buffered.push(event); return; }
    if (event.seq <= seq) return; // already applied
    if (event.prev > seq) { resync(); return; } // a gap: fetch what we missed
    apply(event);
  }

  let syncing = false;
  function resync() {
    if (syncing) return;
    syncing = true;
    socket.timeout(15000).emit("sync", seq === null ? {} : { since: seq }, (err, ack) => {
      syncing = false;
      if (err || !ack || !ack.ok) { setTimeout(resync, 2000); return; }
      if (ack.snapshot) { applySnapshot(ack.snapshot); }
      else { ack.events.forEach((e) => { if (e.seq > seq) apply(e); }); }
      setStatus("live");
    });
  }

  socket.on("connect", () => { setStatus("syncing"); resync(); });
  socket.on("disconnect", () => setStatus("reconnecting"));
  socket.on("connect_error", () => setStatus("reconnecting"));
  socket.on("event", receive);
  socket.on("state", ({ name, data }) => (stateHandlers.get(name) || []).forEach((fn) => fn(data)));

  return {
    on(type, fn) { handlers.set(type, [...(handlers.get(type) || []), fn]); },
    onSnapshot(fn) { snapshotHandlers.push(fn); },
    onState(name, fn) { stateHandlers.set(name, [...(stateHandlers.get(name) || []), fn]); },
    onStatus(fn) { statusHandlers.push(fn); },
    onNotice(fn) { socket.on("notice", fn); },
    now() { return Date.now() + offsetMs; },
    command(name, payload = {}) {
      return new Promise((resolve) => {
        socket.timeout(15000).emit(name, payload, (err, ack) => {
          resolve(err ? { ok: false, error: { code: "timeout", message: t("no_answer") } } : ack);
        });
      });
    },
    socket,
  };
}
