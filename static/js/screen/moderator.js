// The console's control of the shared screen: follow the action, or show one subject
// (the join card clears it). Says what the screen shows now, as the server says it.
import { messages } from "../core/messages.js";

export function mount(live) {
  const root = document.querySelector("[data-screen-control]");
  if (!root) return;
  const t = messages("screen");
  const now = root.querySelector("[data-screen-now]");
  const error = root.querySelector("[data-screen-error]");
  const select = root.querySelector("[data-screen-subject]");
  let seq = -1;

  function show(screen, at) {
    if (at < seq) return;
    seq = at;
    const choice = screen.follow ? "follow" : screen.subject;
    select.value = choice;
    now.textContent = `${t("now", { subject: t(`subject:${screen.subject}`) })} · ${t(screen.follow ? "following" : "chosen")}`;
  }

  select.addEventListener("change", async () => {
    error.textContent = "";
    const ack = await live.command("show_on_screen", { subject: select.value });
    if (!ack.ok) error.textContent = ack.error.message;
    else show(ack.screen, seq);
  });
  live.onSnapshot((snap) => { seq = -1; show(snap.screen, snap.seq); });
  live.on("screen_chosen", (screen, event) => show(screen, event.seq));
  live.onState("screen", (screen) => show(screen, screen.seq), { askWith: "current_screen" });
}
