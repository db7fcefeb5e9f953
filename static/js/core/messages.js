// Sentences for scripts, translated by the server. One way in: every template that
// needs sentences renders them as data, never as script (the Content-Security-Policy
// stays strict):
//
//   <template data-messages="polls"><span data-key="vote">Voter</span>…</template>
//
// and `messages("polls")` reads them. Placeholders are `{name}` or, for sentences
// written with gettext's own syntax, `%(name)s`; both are filled the same way.

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

// Fill a sentence's placeholders; each value is isolated.
export function fillIn(template, params = {}) {
  return template.replace(/%\((\w+)\)s|\{(\w+)\}/g, (_, a, b) => isolate(params[a ?? b]));
}

// The sentences of one block, as `t(key, params)`; an unknown key shows itself.
// Read once, when first asked for; `root` is where to look (the document by default).
export function messages(name, root = document) {
  let catalogue = null;
  return (key, params = {}) => {
    if (catalogue === null) {
      catalogue = {};
      root.querySelectorAll(`template[data-messages="${name}"]`).forEach((template) => {
        template.content.querySelectorAll("[data-key]").forEach((span) => {
          catalogue[span.dataset.key] = span.textContent.trim();
        });
      });
    }
    return fillIn(catalogue[key] ?? key, params);
  };
}

// The foundation's sentences (templates/base.html): status, agenda, clocks.
export const t = messages("core");
