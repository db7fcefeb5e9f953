// Polls on the attendee page: vote in the live poll from a phone; see results when allowed,
// once one has voted (live bars before would invite following the crowd) or once the poll
// is closed. The last closed poll stays on the stage, with its result, until the next opens.
import { el, keepingFocus } from "../core/dom.js";
import { createPollStore, pollAnnouncements, pollMessages } from "./common.js";

// The results' drawing (results.js, charts.js) is not needed to be live: it comes in its
// own file (static/dist/attendee-results.js), fetched once the page is live, so the
// attendee's first load is smaller on a slow link.
let drawing = null;
const loadDrawing = () => (drawing ??= import("./results.js"));

// What a phone says when it has no results for `poll` (as results.js's `withheld`, kept
// here so the page is live without the drawing).
function withheld(poll, t) {
  if (poll.visibility === "live") return t("no_votes");
  return t(poll.visibility === "moderators" ? "results_moderators" : "results_after_close");
}

export function mount(live, state) {
  const root = document.querySelector("[data-polls]");
  if (!root) return;
  const t = pollMessages();
  const store = createPollStore(live, state);
  const stage = root.querySelector("[data-poll-live]");
  const none = root.querySelector("[data-poll-none]");
  const announce = document.querySelector("[data-poll-announce]");
  const earlier = root.querySelector("[data-poll-earlier]");
  const earlierList = root.querySelector("[data-poll-earlier-list]");
  let drawn = null; // "id:state" of the poll whose form is on screen
  let current = null; // { poll, form, results }

  // The open poll, or else the poll closed last (by its position: the newest is last).
  function staged() {
    const open = store.live();
    if (open) return open;
    const closed = store.all().filter((p) => p.state === "closed");
    return closed.length ? closed[closed.length - 1] : null;
  }

  function renderLive() {
    const poll = staged();
    none.hidden = Boolean(poll);
    const signature = poll ? `${poll.id}:${poll.state}` : null;
    if (signature !== drawn) {
      drawn = signature;
      current = null;
      stage.replaceChildren();
      if (!poll) return;
      const closed = poll.state === "closed";
      const form = voteForm(poll);
      if (closed) form.close();
      const results = el("div", { class: "poll-results" });
      stage.append(el("article", { class: `poll poll-live${closed ? " poll-closed" : ""}`, "data-state": poll.state, "aria-labelledby": `poll-q-${poll.id}` },
        el("p", { class: "poll-badge", text: t(closed ? "state_closed" : "live") }), form.node, results));
      current = { poll, form, results };
    }
    if (current) showResults(current.poll, current.results, { beforeVoting: current.poll.state === "open" && store.mine(current.poll.id) === null });
  }

  function showResults(poll, container, { beforeVoting = false } = {}) {
    const results = store.results(poll.id);
    if (beforeVoting && results) container.replaceChildren(el("p", { class: "muted", text: t("results_after_vote") }));
    else if (results) {
      loadDrawing().then(({ renderResults }) => {
        // Drawn from the newest results, if the box is still on the page.
        const latest = store.results(poll.id);
        if (container.isConnected && latest) keepingFocus(container, () => renderResults(container, poll, latest, t));
      });
    } else container.replaceChildren(el("p", { class: "muted", text: withheld(poll, t) }));
  }

  function renderEarlier() {
    const onStage = staged();
    const closed = store.all().filter((p) => p.state === "closed" && p !== onStage).reverse();
    earlier.hidden = closed.length === 0;
    keepingFocus(earlierList, () => {
      const boxes = closed.map(() => el("div", { class: "poll-results" }));
      earlierList.replaceChildren(...closed.map((poll, i) => el("article", { class: "poll poll-past" },
        el("h3", { text: poll.question }), boxes[i])));
      closed.forEach((poll, i) => showResults(poll, boxes[i])); // once on the page: drawn at the width shown
    });
  }

  earlier.addEventListener("toggle", renderEarlier); // charts are drawn at the width shown
  store.onChange(pollAnnouncements(announce, store, t));
  store.onChange((change) => { if (change.kind === "snapshot") setTimeout(loadDrawing, 0); });
  store.onChange((change) => {
    const poll = change.id ? store.get(change.id) : null;
    if (change.kind === "ballot" && current && current.poll.id === change.id) current.form.recorded(false);
    if (change.kind === "ballot" && current) showResults(current.poll, current.results);
    renderLive();
    if (change.kind !== "results" || (poll && poll.state === "closed")) renderEarlier();
  });

  // The form for one poll: its inputs by kind, a button, and a polite status line.
  function voteForm(poll) {
    const prefix = `poll-${poll.id}`;
    const fieldset = el("fieldset", { "aria-describedby": `${prefix}-hint` },
      el("legend", { class: "poll-question", id: `poll-q-${poll.id}`, text: poll.question }),
      el("p", { class: "muted poll-hint", id: `${prefix}-hint`, text: hint(poll) }));
    const input = INPUTS[poll.type](poll, prefix, store.mine(poll.id), t);
    fieldset.append(input.node);
    const button = el("button", { type: "submit" });
    const status = el("p", { class: "poll-status", role: "status", "aria-live": "polite" });
    const form = el("form", { class: "poll-form", novalidate: true }, fieldset, button, status);
    input.onMessage = (text) => { status.classList.remove("error"); status.textContent = text; };

    function recorded(changed) {
      const final = !poll.allow_change;
      button.textContent = t(final ? "vote" : "change_vote");
      fieldset.disabled = final;
      button.disabled = final;
      status.classList.remove("error");
      status.textContent = final ? `${t("recorded")} ${t("final")}` : t(changed ? "changed" : "recorded");
    }

    // A closed poll keeps one's answer in sight, and nothing to press.
    function close() {
      fieldset.disabled = true;
      button.hidden = true;
      status.textContent = store.mine(poll.id) !== null ? t("you_voted") : "";
    }

    button.textContent = t("vote");
    if (store.mine(poll.id) !== null) recorded(false);

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const answer = input.read();
      if (answer === null) {
        status.classList.add("error");
        status.textContent = input.missing?.() || hint(poll);
        input.focus();
        return;
      }
      button.disabled = true;
      const ack = await live.command("cast_ballot", { poll_id: poll.id, answer });
      button.disabled = false;
      if (ack.ok) {
        store.remember(poll.id, ack.answer);
        recorded(ack.changed);
        if (current && current.poll.id === poll.id) showResults(poll, current.results);
      } else {
        status.classList.add("error");
        status.textContent = ack.error.message;
      }
    });
    return { node: form, recorded, close };
  }

  function hint(poll) {
    if (poll.type === "multiple") return t("hint_multiple", { max: poll.max_choices });
    if (poll.type === "rating") return t("hint_rating", { low: poll.scale_min, high: poll.scale_max });
    return t(`hint_${poll.type}`);
  }
}

function choiceList(poll, prefix, kind, checked) {
  const inputs = [];
  const list = el("div", { class: `poll-choices poll-${kind}` }, ...poll.options.map((option, index) => {
    const input = el("input", { type: kind, name: prefix, id: `${prefix}-${index}`, value: index, checked: checked(index) });
    inputs.push(input);
    return el("label", { class: "poll-choice", for: `${prefix}-${index}` }, input, el("span", { text: option }));
  }));
  return { list, inputs };
}

const INPUTS = {
  single(poll, prefix, mine) {
    const { list, inputs } = choiceList(poll, prefix, "radio", (i) => mine === i);
    return {
      node: list,
      read: () => { const chosen = inputs.find((i) => i.checked); return chosen ? Number(chosen.value) : null; },
      focus: () => inputs[0].focus(),
    };
  },
  multiple(poll, prefix, mine) {
    const { list, inputs } = choiceList(poll, prefix, "checkbox", (i) => Array.isArray(mine) && mine.includes(i));
    const limit = () => {
      const full = inputs.filter((i) => i.checked).length >= poll.max_choices;
      inputs.forEach((i) => { i.disabled = full && !i.checked; });
    };
    list.addEventListener("change", limit);
    limit();
    return {
      node: list,
      read: () => { const chosen = inputs.filter((i) => i.checked).map((i) => Number(i.value)); return chosen.length ? chosen : null; },
      focus: () => inputs[0].focus(),
    };
  },
  rating(poll, prefix, mine) {
    const inputs = [];
    const points = [];
    for (let value = poll.scale_min; value <= poll.scale_max; value += 1) {
      const input = el("input", { type: "radio", name: prefix, id: `${prefix}-${value}`, value, checked: mine === value });
      inputs.push(input);
      points.push(el("label", { class: "poll-point", for: `${prefix}-${value}` }, input, el("span", { text: String(value) })));
    }
    const node = el("div", { class: "poll-scale" },
      el("div", { class: "poll-points", "data-points": inputs.length }, ...points),
      el("div", { class: "poll-scale-ends" },
        el("span", { text: poll.low_label || "" }),
        el("span", { text: poll.high_label || "" })));
    return {
      node,
      read: () => { const chosen = inputs.find((i) => i.checked); return chosen ? Number(chosen.value) : null; },
      focus: () => inputs[0].focus(),
    };
  },
  word_cloud(poll, prefix, mine, t) {
    const given = Array.isArray(mine) ? mine : [];
    const inputs = [0, 1, 2].map((index) => el("input", {
      type: "text", id: `${prefix}-${index}`, maxlength: 40, autocomplete: "off", value: given[index] || "",
    }));
    const node = el("div", { class: "poll-words" }, ...inputs.map((input, index) => el("div", {},
      el("label", { for: input.id, text: t("word_n", { n: index + 1 }) }), input)));
    return {
      node,
      read: () => { const words = inputs.map((i) => i.value.trim()).filter(Boolean); return words.length ? words : null; },
      focus: () => inputs[0].focus(),
    };
  },
  open_text(poll, prefix, mine, t) {
    const area = el("textarea", { id: `${prefix}-text`, maxlength: 280, rows: 3 });
    area.value = typeof mine === "string" ? mine : "";
    return {
      node: el("div", {}, el("label", { for: area.id, text: t("your_answer") }), area),
      read: () => (area.value.trim() ? area.value : null),
      focus: () => area.focus(),
    };
  },
  // Numbered places, full labels; up and down buttons, or drag a row by its handle (touch
  // or mouse). Not sent as it first stands: the person orders it, or says "keep this order".
  ranking(poll, prefix, mine, t) {
    let order = Array.isArray(mine) ? [...mine] : poll.options.map((_, i) => i);
    let ordered = Array.isArray(mine);
    const list = el("ol", { class: "poll-ranking" });
    const keep = el("button", { type: "button", class: "secondary poll-keep", "aria-pressed": "false", text: t("keep_order") });
    const node = el("div", { class: "poll-rank" }, list, keep);
    const control = {
      node,
      read: () => (ordered ? [...order] : null),
      missing: () => t("order_first"),
      focus: () => list.querySelector("button:not([disabled])")?.focus(),
    };
    const touched = () => {
      ordered = true;
      keep.hidden = true;
    };
    keep.hidden = ordered;
    keep.addEventListener("click", () => {
      touched();
      control.onMessage?.(t("order_kept"));
      list.querySelector("button:not([disabled])")?.focus();
    });

    function place(from, to, focusKey) {
      if (to < 0 || to >= order.length || to === from) return;
      const [option] = order.splice(from, 1);
      order.splice(to, 0, option);
      touched();
      draw();
      if (focusKey) {
        list.querySelector(`[data-focus-key="${focusKey}"]:not([disabled])`)?.focus()
          || list.querySelector(`[data-option="${option}"] button:not([disabled])`)?.focus();
      }
      control.onMessage?.(t("moved", { option: poll.options[option], position: to + 1 }));
    }

    function draw() {
      list.replaceChildren(...order.map((option, position) => {
        const name = poll.options[option];
        const up = el("button", {
          type: "button", class: "secondary small", "aria-label": t("move_up", { option: name }),
          "data-focus-key": `up-${option}`, disabled: position === 0, text: "↑",
        });
        const down = el("button", {
          type: "button", class: "secondary small", "aria-label": t("move_down", { option: name }),
          "data-focus-key": `down-${option}`, disabled: position === order.length - 1, text: "↓",
        });
        up.addEventListener("click", () => place(position, position - 1, `up-${option}`));
        down.addEventListener("click", () => place(position, position + 1, `down-${option}`));
        const handle = el("span", { class: "poll-rank-handle", "aria-hidden": "true", text: "⠿" });
        handle.addEventListener("pointerdown", (e) => drag(e, position));
        return el("li", { "data-option": option },
          el("span", { class: "poll-rank-place", "aria-hidden": "true", text: String(position + 1) }),
          handle,
          el("span", { class: "poll-rank-name", text: name }),
          el("span", { class: "poll-rank-moves" }, up, down));
      }));
    }

    // Dragging: the row follows the finger; where it is let go, it takes that place.
    function drag(event, from) {
      if (list.closest("fieldset")?.disabled) return;
      event.preventDefault();
      const rows = [...list.children];
      const row = rows[from];
      const startY = event.clientY;
      const middles = rows.map((r) => { const box = r.getBoundingClientRect(); return box.top + box.height / 2; });
      row.classList.add("dragging");
      row.setPointerCapture?.(event.pointerId);
      let to = from;
      const moveTo = (e) => {
        const dy = e.clientY - startY;
        row.style.transform = `translateY(${dy}px)`;
        const y = middles[from] + dy;
        to = middles.filter((m, i) => i !== from && m < y).length;
        rows.forEach((r, i) => r.classList.toggle("drop-here", i === to && i !== from));
      };
      const end = () => {
        row.removeEventListener("pointermove", moveTo);
        row.style.transform = "";
        rows.forEach((r) => r.classList.remove("dragging", "drop-here"));
        place(from, to, null);
      };
      row.addEventListener("pointermove", moveTo);
      row.addEventListener("pointerup", end, { once: true });
      row.addEventListener("pointercancel", end, { once: true });
    }
    draw();
    return control;
  },
};
