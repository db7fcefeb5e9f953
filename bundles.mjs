// Builds what the pages load into static/dist/: one minified script per page (its
// modules and the Socket.IO client, static/vendor/, in one file) and one style sheet.
// `make bundles` (or `node bundles.mjs [OUTDIR]`); the output is committed, so that
// `make run` needs no Node.js, and tests/web/test_bundles.py fails when it is stale.
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.resolve(process.argv[2] || path.join(root, "static", "dist"));
const PAGES = ["attendee", "moderator", "present", "rapporteur", "join"];
const STYLES = ["baraza", "questions", "polls", "speakers", "reports"];

const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  legalComments: "eof",
  charset: "utf8",
  logLevel: "warning",
};

await esbuild.build({
  ...common,
  entryPoints: Object.fromEntries(PAGES.map((page) => [page, `static/js/pages/${page}.js`])),
  outdir,
  format: "esm",
  target: "es2020",
});

await esbuild.build({
  ...common,
  stdin: {
    contents: STYLES.map((name) => `@import "./${name}.css";`).join("\n"),
    resolveDir: path.join(root, "static", "css"),
    loader: "css",
    sourcefile: "pages.css",
  },
  outfile: path.join(outdir, "pages.css"),
});
