// A poll's results as every page shows them: a summary, the chart or word cloud,
// and the same figures as a table (for screen readers, and on request for anyone).
import { barChart, wordCloud } from "./charts.js";
import { el } from "../core/dom.js";
import { number, percent } from "../core/format.js";

const BREAKDOWN_COLUMNS = 8;

function rowLabel(poll, row, index, rows) {
  if (poll.type !== "rating") return row.label;
  const end = index === 0 ? poll.low_label : index === rows.length - 1 ? poll.high_label : "";
  return end ? `${row.label} (${end})` : row.label;
}

function valueKind(poll) {
  if (poll.method === "borda") return { column: "col_points", figure: "value_points" };
  if (poll.type === "word_cloud") return { column: "col_people", figure: "value_people" };
  return { column: "col_votes", figure: "value_votes" };
}

// What a public screen says when it has no results for `poll`.
export function withheld(poll, t) {
  if (poll.visibility === "live") return t("no_votes");
  return t(poll.visibility === "moderators" ? "results_moderators" : "results_after_close");
}

export function summary(results, t) {
  if (!results.voters) return t("no_votes");
  if (results.turnout === null || results.turnout === undefined) return t("voters", { voters: results.voters });
  return t("turnout", { voters: results.voters, present: results.present, percent: percent(Math.round(results.turnout * 100)) });
}

function table(poll, rows, t) {
  const kind = valueKind(poll);
  const firstColumn = poll.type === "word_cloud" ? "col_word" : "col_answer";
  return el("table", { class: "poll-table" },
    el("caption", { text: t("results_of", { question: poll.question }) }),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col", text: t(firstColumn) }),
      el("th", { scope: "col", text: t(kind.column) }),
      el("th", { scope: "col", text: t("col_share") }))),
    el("tbody", {}, ...rows.map((row) => el("tr", {},
      el("th", { scope: "row", text: row.label }),
      el("td", { text: String(row.value) }),
      el("td", { text: percent(row.percent) })))));
}

// The table stays readable by screen readers while hidden from sight; it is hidden through
// a wrapper, because a table ignores the 1 px width and would widen a phone's page.
function tableToggle(container, box, t) {
  const open = container.dataset.tableOpen === "true";
  box.classList.toggle("sr-only", !open);
  const button = el("button", {
    type: "button", class: "secondary small", "aria-expanded": open ? "true" : "false",
    "data-focus-key": `table-${container.dataset.pollId}`, text: t(open ? "hide_table" : "show_table"),
  });
  button.addEventListener("click", () => {
    const now = container.dataset.tableOpen !== "true";
    container.dataset.tableOpen = String(now);
    box.classList.toggle("sr-only", !now);
    button.setAttribute("aria-expanded", String(now));
    button.textContent = t(now ? "hide_table" : "show_table");
  });
  return button;
}

// An answer's text: open text as typed, a word cloud's answer as its words.
function answerText(answer) {
  return answer.words ? answer.words.join(" · ") : answer.text;
}

function answersList(results, t, answerControls) {
  const answers = results.answers || [];
  if (!answers.length) return el("p", { class: "muted", text: t(answerControls ? "no_votes" : "no_answers_shown") });
  return el("ul", { class: "poll-answers" }, ...answers.map((answer) => el("li", {
    "data-shown": answer.shown && !answer.excluded ? "true" : null, "data-excluded": answer.excluded ? "true" : null,
  },
    el("span", { class: "poll-answer-text", text: answerText(answer) }),
    answer.excluded ? el("span", { class: "poll-answer-excluded", text: t("excluded") }) : null,
    answerControls ? answerControls(answer) : null)));
}

// Staff: a word cloud's answers one by one, behind a toggle, to exclude one from the cloud.
function cloudAnswers(container, results, t, answerControls) {
  const open = container.dataset.answersOpen === "true";
  const box = el("div", { class: "poll-cloud-answers", hidden: open ? null : "" }, answersList(results, t, answerControls));
  const button = el("button", {
    type: "button", class: "secondary small", "aria-expanded": open ? "true" : "false",
    "data-focus-key": `answers-${container.dataset.pollId}`, text: t(open ? "hide_answers" : "show_answers"),
  });
  button.addEventListener("click", () => {
    const now = container.dataset.answersOpen !== "true";
    container.dataset.answersOpen = String(now);
    box.hidden = !now;
    button.setAttribute("aria-expanded", String(now));
    button.textContent = t(now ? "hide_answers" : "show_answers");
  });
  return [button, box];
}

// Render `results` of `poll` into `container` (replacing what was there).
// `answerControls(answer)` gives the moderator's buttons for open-text and word-cloud answers.
// `scale` enlarges the picture and `toggle: false` leaves out the table's button (the
// present view: nothing projected is to be pressed; the table stays for screen readers).
export function renderResults(container, poll, results, t, { answerControls = null, scale = 1, toggle = true } = {}) {
  container.dataset.pollId = poll.id;
  const parts = [el("p", { class: "poll-summary", text: summary(results, t) })];
  if (poll.method === "borda") parts.push(el("p", { class: "poll-method", text: t("method_borda") }));
  if (poll.type === "rating" && results.mean !== null && results.mean !== undefined) {
    parts.push(el("p", { class: "poll-mean", text: t("mean", { mean: number(results.mean) }) }));
  }
  container.replaceChildren(...parts);
  if (poll.type === "open_text") {
    container.append(answersList(results, t, answerControls));
    return;
  }
  const rows = results.rows.map((row, index, all) => ({ ...row, label: rowLabel(poll, row, index, all) }));
  const answers = poll.type === "word_cloud" && answerControls ? cloudAnswers(container, results, t, answerControls) : [];
  if (!rows.length) { container.append(...answers); return; }
  const picture = el("div", { class: "poll-chart" });
  container.append(picture);
  if (poll.type === "word_cloud") {
    wordCloud(rows, picture, scale);
  } else {
    const figure = valueKind(poll).figure;
    const figures = (row) => t(row.value === 1 ? `${figure}_one` : figure, { value: row.value, percent: percent(row.percent) });
    barChart(rows, figures, picture, scale);
  }
  const tableBox = el("div", { class: "poll-table-box" }, table(poll, rows, t));
  if (toggle) container.append(tableToggle(container, tableBox, t), tableBox, ...answers);
  else container.append(el("div", { class: "sr-only" }, tableBox), ...answers);
}

function groupLabel(dimension, key, t) {
  if (!key) return t("not_given");
  return dimension === "stakeholder_group" ? t(`group_${key}`) : key;
}

// Staff only: the results by stakeholder group or by country, as a table.
export function breakdownTable(poll, results, dimension, t) {
  const groups = (results.breakdown || {})[dimension] || [];
  const columns = results.rows.slice(0, BREAKDOWN_COLUMNS);
  const mean = poll.type === "rating";
  return el("div", { class: "poll-breakdown" }, el("table", { class: "poll-table" },
    el("caption", { text: t(`breakdown_${dimension}`, { question: poll.question }) }),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col", text: t(dimension === "country" ? "col_country" : "col_group") }),
      el("th", { scope: "col", text: t("col_voters") }),
      ...columns.map((row) => el("th", { scope: "col", text: row.label })),
      mean ? el("th", { scope: "col", text: t("col_mean") }) : null)),
    el("tbody", {}, ...groups.map((group) => el("tr", {},
      el("th", { scope: "row", text: groupLabel(dimension, group.key, t) }),
      el("td", { text: String(group.voters) }),
      ...columns.map((_, index) => el("td", { text: String(group.values[index]) })),
      mean ? el("td", { text: group.mean === null ? "–" : number(group.mean) }) : null)))));
}
