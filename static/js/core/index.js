// The shared core (static/dist/core.js), the one script a live page loads. It opens
// the link to the server at once, then loads the page's own part, static/dist/<page>.js
// (built from pages/<page>.js), which takes what it needs from here: on a slow link the
// part downloads while the connection is being set up, instead of delaying it. The
// snapshot is applied once the part is mounted.
import { holdEarlyInput } from "./early.js";
import { startPage } from "./page.js";

export * from "./dom.js";
export * from "./format.js";
export * from "./messages.js";
export * from "./confirm.js";
export * from "./held.js";

const page = document.body.dataset.page;
const part = new URL(`${page}.js`, import.meta.url).href;

const ready = import(part);
holdEarlyInput(ready);

export const { live, state } = startPage({
  view: page === "present" ? "present" : undefined,
  ready,
});
