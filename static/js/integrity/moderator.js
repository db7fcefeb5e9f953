// Integrity flags on the console: what the server noticed (how many, when, which poll or
// question), and the moderator's decisions — exclude the flag's ballots and upvotes from
// the results with a reason, count them again, or dismiss the flag. Staff only.
import { actionButton, el } from "../core/dom.js";
import { clockTime } from "../core/format.js";
import { messages } from "../core/messages.js";

const EVENTS = [
  "integrity_flag_raised",
  "integrity_flag_updated",
  "integrity_flag_excluded",
  "integrity_flag_included",
  "integrity_flag_dismissed",
];

export function mount(live) {
  const root = document.querySelector("[data-integrity]");
  if (!root) return;
  const t = messages("integrity");
  const list = root.querySelector("[data-integrity-flags]");
  const empty = root.querySelector("[data-integrity-empty]");
  const count = root.querySelector("[data-integrity-count]");
  const error = root.querySelector("[data-integrity-error]");
  const flags = new Map();
  const polls = new Map();
  const questions = new Map();
  let zone = null;

  function about(flag) {
    if (flag.poll_id !== null) return t("poll", { question: polls.get(flag.poll_id) || `#${flag.poll_id}` });
    if (flag.question_id !== null) {
      const text = questions.get(flag.question_id);
      return text ? t("question", { question: text }) : t("question_number", { id: flag.question_id });
    }
    return "";
  }

  function evidence(flag) {
    const e = flag.evidence || {};
    const seconds = e.window_seconds;
    if (flag.kind === "identical_votes") {
      return t(flag.poll_id !== null ? "evidence:identical_ballots" : "evidence:identical_upvotes", { count: e.count, seconds });
    }
    return t(`evidence:${flag.kind}`, { count: e.count, seconds, ballots: e.ballots });
  }

  function when(first, last) {
    const [from, to] = [clockTime(first, zone), clockTime(last, zone)];
    return from === to ? t("at", { time: from }) : t("when", { first: from, last: to });
  }

  function state(flag) {
    if (flag.state === "excluded") return t("state:excluded", { ballots: flag.excluded_ballots, votes: flag.excluded_votes });
    return t(`state:${flag.state}`);
  }

  function card(flag) {
    const e = flag.evidence || {};
    const reason = el("input", { type: "text", maxlength: 500, dir: "auto", "data-reason": true, "aria-label": t("reason_label"), placeholder: t("reason_label"), "data-focus-key": `reason-${flag.id}` });
    const actions = el("div", { class: "integrity-actions" });
    if (flag.state === "excluded") actions.append(actionButton(t("include"), { decide: "include_flagged", flag: flag.id }));
    else actions.append(actionButton(t("exclude"), { decide: "exclude_flagged", flag: flag.id }, "danger"));
    if (flag.state === "open" || flag.state === "included") actions.append(actionButton(t("dismiss"), { decide: "dismiss_flag", flag: flag.id }));
    return el(
      "li",
      { class: "integrity-flag", "data-flag-id": flag.id, "data-state": flag.state },
      el("p", { class: "integrity-kind" }, el("strong", { text: t(`kind:${flag.kind}`) }), " · ", el("span", { class: "muted", text: state(flag) })),
      el("p", { text: evidence(flag) }),
      about(flag) ? el("p", { class: "muted", text: about(flag) }) : null,
      e.first ? el("p", { class: "muted", text: when(e.first, e.last) }) : null,
      flag.reason ? el("p", { class: "muted", text: t("reason_given", { reason: flag.reason }) }) : null,
      reason,
      actions,
    );
  }

  function render() {
    const shown = [...flags.values()].sort((a, b) => b.id - a.id);
    list.replaceChildren(...shown.map(card));
    empty.hidden = shown.length > 0;
    const open = shown.filter((flag) => flag.state === "open").length;
    count.textContent = open ? `(${open})` : "";
  }

  list.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-decide]");
    if (!button) return;
    error.textContent = "";
    const item = button.closest("li[data-flag-id]");
    const reason = item.querySelector("[data-reason]").value;
    button.disabled = true;
    const ack = await live.command(button.dataset.decide, { flag_id: Number(button.dataset.flag), reason });
    button.disabled = false;
    if (!ack.ok) error.textContent = ack.error.message;
  });

  live.onSnapshot((snap) => {
    zone = snap.consultation && snap.consultation.time_zone;
    polls.clear();
    for (const poll of (snap.polls && snap.polls.items) || []) polls.set(poll.id, poll.question);
    questions.clear();
    for (const question of (snap.questions && snap.questions.list) || []) questions.set(question.id, question.text);
    flags.clear();
    for (const flag of (snap.integrity && snap.integrity.flags) || []) flags.set(flag.id, flag);
    render();
  });
  for (const type of ["poll_created", "poll_updated"]) {
    live.on(type, (poll) => { if (poll && poll.id) polls.set(poll.id, poll.question); });
  }
  for (const type of EVENTS) {
    live.on(type, (data) => { flags.set(data.flag.id, data.flag); render(); });
  }
}
