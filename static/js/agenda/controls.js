// The moderator's agenda buttons, and a click on an item to start it.
import { t } from "../core/messages.js";

export function mountAgendaControls(live, state, agendaRoot, controls) {
  const error = controls.querySelector("[data-command-error]");

  async function send(name, payload) {
    error.textContent = "";
    const ack = await live.command(name, payload);
    if (!ack.ok) error.textContent = ack.error.message;
  }

  controls.addEventListener("click", (e) => {
    const button = e.target.closest("[data-action]");
    if (!button) return;
    const action = button.dataset.action;
    if (action === "extend_item") {
      const active = state.active();
      if (active) send(action, { item_id: active.id, minutes: Number(button.dataset.minutes) });
    } else if (action === "end_consultation") {
      if (confirm(t("confirm_end"))) send(action);
    } else {
      send(action);
    }
  });

  agendaRoot.querySelector("[data-agenda-items]").addEventListener("click", (e) => {
    const button = e.target.closest("[data-start-item]");
    if (button && button.closest("li").dataset.state !== "active") {
      send("start_item", { item_id: Number(button.dataset.startItem) });
    }
  });
}
