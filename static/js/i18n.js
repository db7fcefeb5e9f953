// Messages for scripts, translated by the server into the page's language.
const catalogue = JSON.parse(document.getElementById("script-messages")?.textContent || "{}");

// t("next", { title }) fills %(title)s placeholders; an unknown key shows itself.
export function t(key, params = {}) {
  const template = catalogue[key] ?? key;
  return template.replace(/%\((\w+)\)s/g, (_, name) => String(params[name] ?? ""));
}
