// The shared screen: one subject at a time — the one the moderator chose, or the one the
// action brought. The server decides (features/screen); this shows it. What decides is
// the newest, by the log's number, of the snapshot's `screen`, a `screen_chosen` event
// and a `screen` push (sent as the action moves the screen).
const SUBJECTS = ["agenda", "question", "poll", "floor", "join"];

// `features`: the parts that show one thing of several, each `{ feature(id) }`.
export function mount(live, { polls, questions }) {
  const parts = new Map(SUBJECTS.map((subject) => [subject, document.querySelector(`[data-subject="${subject}"]`)]));
  let seq = -1;

  function show(screen, at) {
    if (at < seq) return; // an older word than the one shown
    seq = at;
    const subject = parts.has(screen.subject) ? screen.subject : "join";
    document.body.dataset.screen = subject;
    document.body.dataset.follow = String(Boolean(screen.follow));
    parts.forEach((node, name) => { if (node) node.hidden = name !== subject; });
    // Drawn once visible, at the size shown.
    polls.feature(subject === "poll" ? screen.id : null);
    questions.feature(subject === "question" ? screen.id : null);
  }

  live.onSnapshot((snap) => { seq = -1; show(snap.screen, snap.seq); });
  live.on("screen_chosen", (screen, event) => show(screen, event.seq));
  live.onState("screen", (screen) => show(screen, screen.seq), { askWith: "current_screen" });
}
