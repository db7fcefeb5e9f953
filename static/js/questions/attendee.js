// Questions on the attendee page: ask (anonymously where allowed), follow your own
// questions, upvote others', sort and filter the queue.
//
// One card per question, with one state: your own questions are under "Your questions"
// (with their state, their votes, what they were merged into), the one being answered
// is shown on its own, and the room's list holds the others.
//
// Your own questions: the server lists those it knows you asked in your snapshot.
// A fully anonymous question is stored without you, so this page keeps the
// receipt from the acknowledgement in localStorage and asks for those questions
// by receipt (`my_questions`) — the server never learns they are yours. Each card links
// its receipt's page (`/q/<receipt>`), which shows the question's state on any device.
import { isPublic, matchesItem, renderQuestions, setUp, sortQuestions, votesLabel } from "./common.js";
import { announcer, fillItemSelect, setText } from "../core/dom.js";
import { putText } from "../core/messages.js";

const REFRESH_MS = 30000;
const CONFIRMATION_MS = 6000; // then the "Sent" line fades away

export function mount(live, state) {
  const part = setUp(live, state, isPublic);
  if (!part) return;
  const { root, $, t, queue } = part;
  const announce = announcer(document.querySelector("[data-q-announce]"));
  const storeKey = `baraza:questions:${document.body.dataset.code}`;
  const mine = new Map();
  let myVotes = new Set();
  let sort = "popular";

  const form = $("[data-q-ask]");
  const text = form.elements.text;
  const error = $("[data-q-error]");
  const voteError = $("[data-q-vote-error]");
  const sent = $("[data-q-sent]");
  let fading = null;

  function receipts() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "[]"); } catch { return []; }
  }
  function keepReceipt(id, receipt) {
    const kept = receipts().filter((r) => r.id !== id);
    kept.push({ id, receipt });
    try { localStorage.setItem(storeKey, JSON.stringify(kept.slice(-100))); } catch { /* private mode */ }
  }
  async function refreshByReceipt() {
    const kept = receipts();
    if (!kept.length) return;
    const ack = await live.command("my_questions", { receipts: kept.map((r) => r.receipt) });
    if (!ack.ok) return;
    ack.questions.forEach((q) => mine.set(q.id, q));
    renderMine();
  }
  setInterval(() => {
    if ([...mine.values()].some((q) => q.state === "pending")) refreshByReceipt();
  }, REFRESH_MS);

  function itemLabel(id) {
    return id === null ? t("general") : (queue.itemTitle(id) || t("general"));
  }

  function renderForm() {
    const settings = queue.settings();
    if (!settings) return;
    const field = $("[data-q-anonymous-field]");
    field.hidden = settings.anonymity === "off";
    if (!field.hidden) $("[data-q-anonymous-label]").textContent = t(`anonymous${settings.anonymity === "full" ? "Full" : "Attendees"}`);
    $("[data-q-moderation]").textContent = t(`moderation${settings.moderation === "post" ? "Post" : "Pre"}`);
    $("[data-q-closed]").hidden = settings.open;
    form.hidden = !settings.open;
    const select = $("[data-q-item]");
    fillItemSelect(select, queue.items(), 1);
    fillItemSelect($("[data-q-filter]"), queue.items(), 2);
    const chosen = select.value ? Number(select.value) : queue.activeItemId();
    $("[data-q-item-closed]").hidden = !(chosen !== null && settings.closed_items.includes(chosen));
  }

  function renderList() {
    const filter = $("[data-q-filter]").value;
    const pinnedId = queue.pinned()?.id;
    const others = queue.all().filter((q) => !mine.has(q.id) && q.id !== pinnedId);
    const shown = sortQuestions(others.filter((q) => matchesItem(q, filter)), sort, queue.votes);
    const template = $("[data-q-template]");
    renderQuestions($("[data-q-list]"), template, shown, (node, slot, q) => {
      const own = mine.has(q.id);
      // No author: asked anonymously; an author without a name: they erased it.
      putText(slot("author"), own ? t("yours") : (q.author ? q.author.display_name || t("someone") : t("anonymous")));
      putText(slot("item"), itemLabel(q.item_id));
      setText(slot("edited"), q.edited ? t("edited") : "");
      setText(slot("badge"), q.state === "answered" ? t("answered") : "");
      setText(slot("answer"), q.answer);
      const n = queue.votes(q.id);
      slot("votes").textContent = votesLabel(t, n);
      const vote = slot("vote");
      const voted = myVotes.has(q.id);
      vote.setAttribute("aria-pressed", String(voted));
      slot("vote-label").textContent = voted ? t("upvoted") : t("upvote");
      vote.hidden = own;
      vote.disabled = q.state !== "approved" && !voted;
      vote.dataset.questionId = q.id;
    });
    $("[data-q-empty]").hidden = shown.length > 0;
    const pinned = queue.pinned();
    $("[data-q-now]").hidden = !pinned;
    putText($("[data-q-now-text]"), pinned ? pinned.text : "");
  }

  // A question's one state, as its author reads it: being answered wins over "in the queue".
  function stateOf(q) {
    if (queue.pinned()?.id === q.id) return t("answering");
    return t(`state${q.state[0].toUpperCase()}${q.state.slice(1)}`);
  }

  function renderMine() {
    const list = [...mine.values()].sort((a, b) => b.id - a.id);
    const kept = new Map(receipts().map((r) => [r.id, r.receipt]));
    const template = $("[data-q-mine-template]");
    renderQuestions($("[data-q-mine]"), template, list, (node, slot, q) => {
      const pinned = queue.pinned()?.id === q.id;
      node.dataset.state = pinned ? "answering" : q.state;
      putText(slot("item"), itemLabel(q.item_id));
      const counted = q.state === "approved" || q.state === "answered";
      slot("votes-line").hidden = !counted;
      slot("votes").textContent = counted ? votesLabel(t, queue.votes(q.id)) : "";
      setText(slot("edited"), q.edited ? t("edited") : "");
      setText(slot("answer"), q.answer);
      setText(slot("reason"), q.dismiss_reason ? t("reason", { reason: q.dismiss_reason }) : "");
      const into = q.state === "merged" && q.merged_into_id ? (queue.get(q.merged_into_id) || mine.get(q.merged_into_id)) : null;
      const mergedText = q.merged_into_text || into?.text;
      slot("state").textContent = mergedText ? t("mergedInto", { text: mergedText }) : stateOf(q);
      // The receipt this browser kept, as a link: the question's state on any device.
      const receipt = kept.get(q.id);
      slot("receipt-line").hidden = !receipt;
      if (receipt) slot("receipt").href = `/q/${encodeURIComponent(receipt)}`;
    });
    $("[data-q-mine-section]").hidden = list.length === 0;
  }

  function render() { renderForm(); renderList(); renderMine(); }

  queue.onChange((change) => {
    if (change.kind === "snapshot") {
      const part = queue.snapshotPart();
      mine.clear();
      part.mine.forEach((q) => mine.set(q.id, q));
      myVotes = new Set(part.my_votes);
      refreshByReceipt();
    } else if (change.question && mine.has(change.question.id)) {
      const known = mine.get(change.question.id);
      mine.set(known.id, { ...known, ...change.question });
    }
    if (change.isNew && change.question) announce(t("newQuestion", { text: change.question.text }));
    render();
  });
  live.onNotice(({ kind, data }) => {
    if (kind !== "my_question") return;
    mine.set(data.question.id, data.question);
    renderMine();
  });

  const count = () => { $("[data-q-count]").textContent = t("count", { n: text.value.length }); };
  text.addEventListener("input", count);
  count();
  $("[data-q-item]").addEventListener("change", renderForm);

  function invalid(message) {
    setText(error, message);
    text.setAttribute("aria-invalid", String(Boolean(message)));
  }
  text.addEventListener("input", () => { if (text.value) invalid(""); });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    invalid("");
    clearTimeout(fading);
    sent.textContent = "";
    sent.classList.remove("fading");
    if (!text.value) { invalid(t("empty")); text.focus(); return; }
    const itemValue = form.elements.item_id.value;
    const payload = { text: text.value, anonymous: !$("[data-q-anonymous-field]").hidden && form.elements.anonymous.checked };
    if (itemValue) payload.item_id = Number(itemValue);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const ack = await live.command("ask_question", payload);
    button.disabled = state.ended();
    if (!ack.ok) { invalid(ack.error.message); error.scrollIntoView({ block: "nearest" }); return; }
    keepReceipt(ack.question.id, ack.receipt);
    mine.set(ack.question.id, ack.question);
    text.value = "";
    count();
    sent.textContent = ack.question.state === "pending" ? t("sentPending") : t("sentLive");
    render();
    // Where the finger is: the confirmation and the new card, in sight; then the line fades.
    const card = $(`[data-q-mine] [data-question-id="${ack.question.id}"]`);
    card?.classList.add("q-new");
    (card || sent).scrollIntoView({ block: "nearest" });
    sent.scrollIntoView({ block: "nearest" });
    fading = setTimeout(() => {
      sent.classList.add("fading");
      fading = setTimeout(() => { sent.textContent = ""; sent.classList.remove("fading"); }, 1000);
    }, CONFIRMATION_MS);
  });

  root.querySelectorAll("[data-q-sort]").forEach((button) => button.addEventListener("click", () => {
    sort = button.dataset.qSort;
    root.querySelectorAll("[data-q-sort]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
    renderList();
  }));
  $("[data-q-filter]").addEventListener("change", renderList);

  $("[data-q-list]").addEventListener("click", async (e) => {
    const button = e.target.closest("[data-slot=vote]");
    if (!button) return;
    const id = Number(button.dataset.questionId);
    const voted = myVotes.has(id);
    button.disabled = true;
    const ack = await live.command(voted ? "unvote_question" : "vote_question", { question_id: id });
    if (ack.ok) { if (ack.voted) myVotes.add(id); else myVotes.delete(id); }
    setText(voteError, ack.ok ? "" : ack.error.message);
    renderList();
    const again = $(`[data-q-list] [data-question-id="${id}"] [data-slot=vote]`);
    if (again) again.focus();
  });
}
