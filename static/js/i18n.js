// Messages for scripts, translated by the server into the page's language.
const catalogue = JSON.parse(document.getElementById("script-messages")?.textContent || "{}");

// In a right-to-left page, a value put into a sentence (a title, a name, a figure) is
// isolated, so an English title keeps its own order and punctuation in Arabic.
const RTL = document.documentElement.dir === "rtl";

export function isolate(value) {
  const text = String(value ?? "");
  return RTL && text ? `\u2068${text}\u2069` : text;
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
