// The rapporteur's notes and attendance. A note is saved 800 ms after typing stops
// (and when the box loses focus or the page is left) with its full text and a
// revision that only grows. Every keystroke lands in localStorage first, so a
// reload or a dropped connection loses nothing: unsaved drafts are sent again
// as soon as the connection is back.
import { isolate, messages, putText } from "../core/messages.js";

const DEBOUNCE_MS = 800;
const NEARLY_FULL = 0.8;

export function mount(live, state) {
  mountAttendance(live, document.querySelector("[data-attendance]"));
  mountNotes(live, state, document.querySelector("[data-notes]"));
}

function mountAttendance(live, root) {
  if (!root) return;
  const $ = (sel) => root.querySelector(sel);
  let joined = 0;
  let peak = 0;
  const show = (present) => {
    if (present !== undefined) {
      peak = Math.max(peak, present);
      $("[data-attendance-present]").textContent = present;
    }
    $("[data-attendance-joined]").textContent = joined;
    $("[data-attendance-peak]").textContent = peak;
  };
  live.onSnapshot((snap) => {
    joined = snap.attendance ? snap.attendance.joined : 0;
    peak = snap.attendance ? snap.attendance.peak : 0;
    show(snap.present);
  });
  live.onState("present", ({ present }) => show(present));
  live.on("participant_joined", (person) => { if (person.role === "attendee") { joined += 1; show(); } });
  live.on("participant_arrived", ({ present }) => show(present));
}

function mountNotes(live, state, root) {
  if (!root) return;
  const code = document.body.dataset.code;
  const text = messages("notes");
  const list = root.querySelector("[data-notes-list]");
  const template = root.querySelector("[data-note-template]");
  const announce = root.querySelector("[data-notes-announce]");
  const notes = new Map(); // "general" or an item id → its note
  let me = null;
  let maxBytes = 15000;
  let server = new Map(); // what the last snapshot said about each note

  const slot = (itemId) => (itemId === null ? "general" : String(itemId));
  const storageKey = (itemId) => `baraza:note:${code}:${slot(itemId)}`;
  const wireSize = (value) => new TextEncoder().encode(JSON.stringify(value)).length;

  function loadDraft(itemId) {
    try { return JSON.parse(localStorage.getItem(storageKey(itemId))); } catch { return null; }
  }
  function storeDraft(itemId, draft) {
    try { localStorage.setItem(storageKey(itemId), JSON.stringify(draft)); } catch { /* private mode: memory only */ }
  }

  function setStatus(note, name, values) {
    note.status.textContent = name ? text(name, values) : "";
    note.status.dataset.state = name || "";
    if (["offline", "tooLong", "failed"].includes(name) && note.announced !== name) {
      announce.textContent = `${isolate(note.titleText)}: ${text(name, values)}`;
    }
    note.announced = name;
  }

  function showSize(note) {
    const share = wireSize(note.textarea.value) / maxBytes;
    note.size.hidden = share < NEARLY_FULL;
    note.size.textContent = text("nearlyFull", { percent: Math.min(100, Math.round(share * 100)) });
  }

  // A revision only grows, even if this device's storage was cleared: time-based, and past
  // anything this person already saved.
  function nextRevision(note) {
    note.revision = Math.max(note.revision + 1, Date.now());
    return note.revision;
  }

  function create(itemId) {
    const fragment = template.content.cloneNode(true);
    const element = fragment.querySelector("[data-note]");
    const textarea = element.querySelector("[data-note-text]");
    const label = element.querySelector("[data-note-label]");
    textarea.id = `note-${slot(itemId)}`;
    label.htmlFor = textarea.id;
    const note = {
      itemId,
      element,
      textarea,
      label,
      title: element.querySelector("[data-note-title]"),
      now: element.querySelector("[data-note-now]"),
      status: element.querySelector("[data-note-status]"),
      size: element.querySelector("[data-note-size]"),
      titleText: "",
      revision: 0,
      timer: null,
      sending: false,
      again: false,
      reconciled: false,
    };
    textarea.addEventListener("input", () => edited(note));
    textarea.addEventListener("blur", () => flush(note));
    notes.set(slot(itemId), note);
    return note;
  }

  function edited(note) {
    storeDraft(note.itemId, { text: note.textarea.value, revision: nextRevision(note), synced: false });
    setStatus(note, "unsaved");
    showSize(note);
    clearTimeout(note.timer);
    note.timer = setTimeout(() => send(note), DEBOUNCE_MS);
  }

  function flush(note) {
    if (note.timer) send(note);
  }

  async function send(note) {
    clearTimeout(note.timer);
    note.timer = null;
    const draft = loadDraft(note.itemId);
    if (!draft || draft.synced) return;
    if (wireSize(draft.text) > maxBytes) { setStatus(note, "tooLong"); return; }
    if (!live.socket.connected) { setStatus(note, "offline"); return; }
    if (note.sending) { note.again = true; return; }
    note.sending = true;
    setStatus(note, "saving");
    const ack = await live.command("save_note", { item_id: note.itemId, text: draft.text, revision: draft.revision });
    note.sending = false;
    const latest = loadDraft(note.itemId);
    const current = latest && latest.revision === draft.revision;
    if (ack.ok || (ack.error && ack.error.code === "stale_note" && !current)) {
      if (current) { storeDraft(note.itemId, { ...latest, synced: true }); setStatus(note, "saved"); }
    } else if (ack.error.code === "stale_note") {
      // A newer save of ours is there already, yet this is our latest text: send it anew.
      storeDraft(note.itemId, { ...latest, revision: nextRevision(note) });
      note.again = true;
    } else if (ack.error.code === "note_too_long") {
      setStatus(note, "tooLong");
    } else if (ack.error.code === "timeout" || !live.socket.connected) {
      setStatus(note, "offline");
    } else {
      setStatus(note, "failed");
    }
    if (note.again) { note.again = false; send(note); }
  }

  // Put the server's text in a box unless this device holds newer, unsent words.
  function reconcile(note) {
    if (me === null) return; // before the first snapshot: nothing to compare with
    const saved = server.get(slot(note.itemId));
    const draft = loadDraft(note.itemId);
    if (saved && saved.author_id === me) note.revision = Math.max(note.revision, saved.client_revision);
    if (draft) note.revision = Math.max(note.revision, draft.revision);
    const savedText = saved ? saved.text : "";
    if (draft && !draft.synced && draft.text !== savedText) {
      if (document.activeElement !== note.textarea) note.textarea.value = draft.text;
      send(note);
    } else if (document.activeElement !== note.textarea) {
      note.textarea.value = savedText;
      if (saved) setStatus(note, "saved");
    }
    if (!note.reconciled && (note.itemId === null || note.textarea.value)) note.element.open = true;
    note.reconciled = true;
    showSize(note);
  }

  function setTitle(note, title) {
    note.titleText = title;
    putText(note.title, title);
    putText(note.label, title);
  }

  function render(items, active) {
    const wanted = [null, ...items.map((item) => item.id)];
    wanted.forEach((itemId) => {
      let note = notes.get(slot(itemId));
      if (!note) {
        note = create(itemId);
        reconcile(note);
      }
      const item = items.find((i) => i.id === itemId);
      setTitle(note, item ? `${item.position + 1}. ${item.title}` : text("general"));
      const isNow = Boolean(active && item && active.id === item.id);
      if (isNow && note.now.hidden) note.element.open = true;
      note.now.hidden = !isNow;
      note.now.textContent = text("now");
    });
    list.replaceChildren(...wanted.map((itemId) => notes.get(slot(itemId)).element));
  }

  live.onSnapshot((snap) => {
    me = snap.me.participant_id;
    if (snap.notes) {
      maxBytes = snap.notes.max_bytes;
      server = new Map(snap.notes.items.map((n) => [slot(n.item_id), n]));
    }
    notes.forEach(reconcile);
  });

  // A note per agenda item, in agenda order, the running one marked.
  state.onChange(() => render(state.items(), state.active()));

  live.on("note_saved", (saved) => {
    server.set(slot(saved.item_id), saved);
    const note = notes.get(slot(saved.item_id));
    if (!note || saved.author_id === me) return;
    const draft = loadDraft(saved.item_id);
    if ((!draft || draft.synced) && document.activeElement !== note.textarea) {
      note.textarea.value = saved.text;
      setStatus(note, "updated", { name: saved.author_name });
      showSize(note);
    }
  });

  live.onStatus((status) => {
    notes.forEach((note) => {
      const draft = loadDraft(note.itemId);
      if (!draft || draft.synced) return;
      if (status === "live") send(note);
      else setStatus(note, "offline");
    });
  });

  const leaving = () => notes.forEach(flush);
  window.addEventListener("pagehide", leaving);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") leaving(); });
}
