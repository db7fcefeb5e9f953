// Builds what the pages load into static/dist/, minified: core.js, the shared core
// (static/js/core/ and the Socket.IO client from static/vendor/), the one script a
// live page loads; <page>.js, each live page's own part, which core.js loads and which
// takes the core from it (never a copy); attendee-results.js, the attendee's poll results'
// drawing, which attendee.js loads once the page is live; join.js, the join page's script, and
// invitations.js, the moderators' invitations page's (its confirmation), each on its own;
// pages.css, every style sheet, and audience.css, the attendee's and the join form's. `make bundles` (or `node bundles.mjs [OUTDIR]`); the
// output is committed, so that `make run` needs no Node.js, and
// tests/web/test_bundles.py fails when it is stale.
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.resolve(process.argv[2] || path.join(root, "static", "dist"));
const core = path.join(root, "static", "js", "core");
const LIVE_PAGES = ["attendee", "moderator", "present", "rapporteur"];
// pages.css holds every style sheet (staff pages, the present view, the series); the
// attendee's page and the join form, loaded on phones over slow links, take only theirs.
const STYLES = ["baraza", "questions", "polls", "speakers", "reports", "present", "attendee", "themes", "series", "console"];
const AUDIENCE_STYLES = ["baraza", "questions", "polls", "speakers", "attendee", "themes"];

// A page's part imports the core as "./core.js", the bundle the page has loaded already.
const coreFromThePage = {
  name: "core-from-the-page",
  setup(build) {
    build.onResolve({ filter: /\/core\// }, (args) => {
      const target = path.resolve(args.resolveDir, args.path);
      return target.startsWith(core + path.sep) ? { path: "./core.js", external: true } : undefined;
    });
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  legalComments: "eof",
  charset: "utf8",
  logLevel: "warning",
};

const scripts = { ...common, outdir, format: "esm", target: "es2020" };
await esbuild.build({
  ...scripts,
  entryPoints: { core: "static/js/core/index.js", join: "static/js/pages/join.js", invitations: "static/js/pages/invitations.js" },
});
await esbuild.build({
  ...scripts,
  entryPoints: Object.fromEntries(LIVE_PAGES.filter((page) => page !== "attendee").map((page) => [page, `static/js/pages/${page}.js`])),
  plugins: [coreFromThePage],
});
// The attendee's part on its own, split where it imports dynamically: what it needs to be
// live is attendee.js; the poll results' drawing is attendee-results.js, fetched after.
await esbuild.build({
  ...scripts,
  entryPoints: { attendee: "static/js/pages/attendee.js" },
  splitting: true,
  chunkNames: "attendee-[name]",
  plugins: [coreFromThePage],
});

for (const [name, sheets] of [["pages", STYLES], ["audience", AUDIENCE_STYLES]]) {
  await esbuild.build({
    ...common,
    stdin: {
      contents: sheets.map((sheet) => `@import "./${sheet}.css";`).join("\n"),
      resolveDir: path.join(root, "static", "css"),
      loader: "css",
      sourcefile: `${name}.css`,
    },
    outfile: path.join(outdir, `${name}.css`),
  });
}
