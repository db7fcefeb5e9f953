// Messages for scripts, translated by the server into the page's language.
const catalogue = JSON.parse(document.getElementById("script-messages")?.textContent || "{}");

// A value put into a sentence (a title, a name, a figure) is isolated (FSI … PDI, as
// <bdi> does) where it could disturb the sentence: always in a right-to-left page, so
// an English title keeps its order in Arabic; in a left-to-right page when it holds
// right-to-left letters or a bidi control, so a U+202E in someone's name cannot turn
// the rest of the sentence around. Plain left-to-right values are left as they are.
const RTL = document.documentElement.dir === "rtl";
const BIDI_SENSITIVE = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;

export function isolate(value) {
  const text = String(value ?? "");
  return text && (RTL || BIDI_SENSITIVE.test(text)) ? `\u2068${text}\u2069` : text;
}

// Text a person wrote (a name, a title, a question, an answer) as the whole content of
// `node`: in its own direction and isolated from the line around it (dir="auto").
export function putText(node, text) {
  node.textContent = text;
  node.dir = "auto";
}

// t("next", { title }) fills %(title)s placeholders; an unknown key shows itself.
export function t(key, params = {}) {
  const template = catalogue[key] ?? key;
  return template.replace(/%\((\w+)\)s/g, (_, name) => isolate(params[name]));
}

// Fill the `{name}` placeholders of a sentence a feature keeps in its template.
export function fillIn(template, params = {}) {
  return template.replace(/\{(\w+)\}/g, (_, name) => isolate(params[name]));
}
