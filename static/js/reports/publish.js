// Publishing, on the console and the rapporteur's page: the report's public page (after
// the end) and the moderation counts' (moderators, at any time). What is published comes
// with the snapshot (`publication`) and the events; a button publishes or withdraws.
import { messages } from "../core/messages.js";

const COMMANDS = {
  report: { publish: "publish_report", withdraw: "withdraw_report" },
  moderation: { publish: "publish_moderation_page", withdraw: "withdraw_moderation_page" },
};

export function mount(live, state, root = document.querySelector("[data-publish]")) {
  if (!root) return;
  const t = messages("publish", root);
  const error = root.querySelector("[data-publish-error]");
  const paths = { report: null, moderation: null };
  const busy = new Set();
  const parts = [...root.querySelectorAll("[data-publish-part]")].map((node) => ({
    name: node.dataset.publishPart,
    state: node.querySelector("[data-publish-state]"),
    line: node.querySelector("[data-publish-link-line]"),
    link: node.querySelector("[data-publish-link]"),
    button: node.querySelector("[data-publish-toggle]"),
  }));

  function render() {
    parts.forEach((part) => {
      const path = paths[part.name];
      const waiting = part.name === "report" && !path && !state.ended();
      part.state.textContent = path ? t("published") : waiting ? t("afterEnd") : t("notPublished");
      part.state.dataset.published = String(Boolean(path));
      part.line.hidden = !path;
      if (path) {
        const url = new URL(path, location.origin).href;
        part.link.href = url;
        part.link.textContent = url;
      }
      part.button.textContent = path ? t("withdraw") : t("publish");
      part.button.className = path ? "danger-outline" : "";
      part.button.disabled = waiting || busy.has(part.name) || state.consultation() === null;
    });
  }

  parts.forEach((part) => part.button.addEventListener("click", async () => {
    const command = COMMANDS[part.name][paths[part.name] ? "withdraw" : "publish"];
    busy.add(part.name);
    error.textContent = "";
    render();
    const ack = await live.command(command, {});
    busy.delete(part.name);
    if (ack.ok) Object.assign(paths, ack.publication);
    else error.textContent = ack.error.message;
    render();
  }));

  live.onSnapshot((snap) => { Object.assign(paths, snap.publication); render(); });
  live.on("report_published", ({ path }) => { paths.report = path; render(); });
  live.on("report_withdrawn", () => { paths.report = null; render(); });
  live.on("moderation_page_published", ({ path }) => { paths.moderation = path; render(); });
  live.on("moderation_page_withdrawn", () => { paths.moderation = null; render(); });
  state.onChange(render);
}
