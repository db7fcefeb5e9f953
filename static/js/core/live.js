// The live link to the server: one Socket.IO connection, the consultation's state
// kept in step with its event log. Features subscribe to event types; nothing
// else talks to the socket.
import { io } from "../../vendor/socket.io.esm.min.js";
import { t } from "./messages.js";

// WebSocket first: on a slow link the page is live sooner than when it starts on
// long-polling and upgrades, as the upgrade holds what is sent meanwhile (the first
// sync among it). Filtered networks still get through: a WebSocket that fails before
// ever working here (refused, closed, or silent for OPEN_TIMEOUT_MS) makes the next
// attempt, a second or so later, start on polling and upgrade where it can; the device
// remembers, until a WebSocket works again.
const OPEN_TIMEOUT_MS = 8000;
// How long after `connect` a missing `synced` makes the client ask with `sync`.
const SYNCED_WAIT_MS = 5000;
const POLLING_FIRST = "baraza:polling-first";
const WEBSOCKET_FIRST = ["websocket", "polling"];
const POLLING_THEN_UPGRADE = ["polling", "websocket"];

function remember(key, on) {
  try { if (on) localStorage.setItem(key, "1"); else localStorage.removeItem(key); } catch { /* private mode */ }
}

function remembered(key) {
  try { return localStorage.getItem(key) === "1"; } catch { return false; }
}

// `ready`: a promise the page's parts are mounted by; no state is applied before it
// resolves, so none of them misses the snapshot (core/index.js loads them meanwhile).
export function connectLive({ code, view, ready = null, initial = null }) {
  const mounted = Promise.resolve(ready).catch(() => undefined);
  const handlers = new Map();
  const snapshotHandlers = [];
  const stateHandlers = new Map();
  const stateCommands = new Map(); // state name -> the command that answers it afresh
  const statusHandlers = [];
  let seq = null;
  let offsetMs = 0; // server clock minus ours
  let buffered = [];

  const pollingFirst = remembered(POLLING_FIRST);
  const socket = io({
    auth: (cb) => cb({ code, view, since: seq ?? initial?.seq ?? null, sync: true }),
    transports: pollingFirst ? POLLING_THEN_UPGRADE : WEBSOCKET_FIRST,
    tryAllTransports: true,
    timeout: OPEN_TIMEOUT_MS,
    reconnectionDelayMax: 10000,
  });
  let opened = false;
  let websocketWorked = false;
  const websocketWorks = (works) => {
    websocketWorked ||= works;
    remember(POLLING_FIRST, !works);
  };
  const usePolling = () => {
    remember(POLLING_FIRST, true);
    socket.io.opts.transports = POLLING_THEN_UPGRADE;
  };
  socket.io.on("open", () => {
    opened = true;
    websocketWorks(socket.io.engine.transport.name === "websocket");
    socket.io.engine.on("upgrade", () => websocketWorks(true));
  });
  socket.io.on("reconnect_attempt", () => { if (!websocketWorked) usePolling(); });
  // A WebSocket hung up on before it opens is no error to Socket.IO, which would wait
  // OPEN_TIMEOUT_MS: start again on polling at once.
  if (!pollingFirst) {
    socket.io.engine.once("close", () => {
      if (opened) return;
      usePolling();
      socket.disconnect().connect();
    });
  }

  function setStatus(status) {
    statusHandlers.forEach((fn) => fn(status));
  }

  function setClock(serverTime) {
    offsetMs = Date.parse(serverTime) - Date.now();
  }

  function applySnapshot(snapshot) {
    seq = snapshot.seq;
    setClock(snapshot.server_time);
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
  function settle(ack) {
    if (!ack || !ack.ok) { syncing = false; setTimeout(resync, 2000); return; }
    mounted.then(() => {
      syncing = false;
      if (ack.snapshot) { applySnapshot(ack.snapshot); }
      else {
        if (ack.server_time) setClock(ack.server_time);
        ack.events.forEach((e) => { if (e.seq > seq) apply(e); });
      }
      setStatus("live");
      if (cut) { cut = false; askStates(); }
      outbox.pump();
    });
  }
  function resync() {
    if (syncing) return;
    syncing = true;
    socket.timeout(15000).emit("sync", seq === null ? {} : { since: seq }, (err, ack) => settle(err ? null : ack));
  }

  // State pushes are coalesced, not logged: a sync does not replay them, so after a cut
  // each state that names its command is asked for once more.
  let cut = false;
  function askStates() {
    stateCommands.forEach((command, name) => {
      outbox.command(command).then((ack) => { if (ack.ok) deliverState(name, ack[name]); });
    });
  }
  function deliverState(name, data) {
    (stateHandlers.get(name) || []).forEach((fn) => fn(data));
  }

  // A snapshot sent with the page is shown first; the connection brings what followed.
  if (initial) mounted.then(() => { if (seq === null) applySnapshot(initial); });

  const outbox = createOutbox(socket);
  // The auth's `sync: true` has the server send sync's answer with the connection
  // (`synced`), a round trip sooner; a server that did not is asked as usual.
  // Socket.IO hands over what came with the connection before `connect`.
  let synced = false;
  let unsynced = null;
  socket.on("synced", (ack) => {
    synced = true;
    syncing = true;
    clearTimeout(unsynced);
    settle(ack);
  });
  socket.on("connect", () => {
    if (synced) return;
    setStatus("syncing");
    syncing = true;
    unsynced = setTimeout(() => { syncing = false; resync(); }, SYNCED_WAIT_MS);
  });
  socket.on("disconnect", () => {
    synced = false;
    cut = true;
    clearTimeout(unsynced);
    setStatus("reconnecting");
  });
  socket.on("connect_error", () => setStatus("reconnecting"));
  // One message per command: its envelopes, in seq order, each received as it comes.
  // At a gap the first asks for a sync and the rest are skipped: having been logged
  // before they were sent, they are in the sync's answer.
  socket.on("events", (envelopes) => envelopes.forEach(receive));
  socket.on("state", ({ name, data }) => deliverState(name, data));

  return {
    on(type, fn) { handlers.set(type, [...(handlers.get(type) || []), fn]); },
    onSnapshot(fn) { snapshotHandlers.push(fn); },
    // `askWith`: the command whose acknowledgement carries this state under its name,
    // sent after a reconnect.
    onState(name, fn, { askWith = null } = {}) {
      stateHandlers.set(name, [...(stateHandlers.get(name) || []), fn]);
      if (askWith) stateCommands.set(name, askWith);
    },
    onStatus(fn) { statusHandlers.push(fn); },
    onNotice(fn) { socket.on("notice", fn); },
    // Read the whole state again (a fresh snapshot): what changes how everything reads,
    // the Chatham House rule say. Events meanwhile wait for it, as at the start.
    refresh() { seq = null; resync(); },
    now() { return Date.now() + offsetMs; },
    command: outbox.command,
    onPending: outbox.onPending,
    socket,
  };
}

// Commands wait here while the link is down and are sent when it is back. Each
// carries a command id, so a resend after a lost acknowledgement takes effect
// once on the server. One that cannot be sent within GIVE_UP_MS is answered
// with an error, so the person is told instead of left guessing.
const ACK_TIMEOUT_MS = 10000;
const GIVE_UP_MS = 120000;

function commandId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function createOutbox(socket) {
  const waiting = [];
  const pendingHandlers = [];
  let inFlight = 0;

  const notify = () => pendingHandlers.forEach((fn) => fn(waiting.length + inFlight));

  function fail(entry) {
    entry.resolve({ ok: false, error: { code: "not_sent", message: t("not_sent") } });
  }

  function send(entry) {
    inFlight += 1;
    socket.timeout(ACK_TIMEOUT_MS).emit(entry.name, entry.payload, (err, ack) => {
      inFlight -= 1;
      if (!err) { entry.resolve(ack); notify(); return; }
      if (Date.now() - entry.since > GIVE_UP_MS) { fail(entry); notify(); return; }
      waiting.unshift(entry); // no answer: the link is probably down; resend when it is back
      notify();
    });
  }

  function pump() {
    if (!socket.connected) return;
    while (waiting.length) {
      const entry = waiting.shift();
      if (Date.now() - entry.since > GIVE_UP_MS) fail(entry); else send(entry);
    }
    notify();
  }

  setInterval(() => {
    for (let i = waiting.length - 1; i >= 0; i--) {
      if (Date.now() - waiting[i].since > GIVE_UP_MS) fail(waiting.splice(i, 1)[0]);
    }
    notify();
  }, 5000);

  return {
    command(name, payload = {}) {
      return new Promise((resolve) => {
        waiting.push({ name, payload: { ...payload, command_id: commandId() }, resolve, since: Date.now() });
        notify();
        pump();
      });
    },
    onPending(fn) { pendingHandlers.push(fn); },
    pump,
  };
}
