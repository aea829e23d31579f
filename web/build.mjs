// Bundles the dashboard into OUT_DIR (default dist/): assets/app.js and
// assets/app.css (minified, one file each), and index.html, written last
// because CMake takes it as the stamp of the whole build (web/dashboard.cmake).
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? resolve(here, "dist"));
rmSync(out, { recursive: true, force: true });
mkdirSync(resolve(out, "assets"), { recursive: true });
await esbuild.build({
  entryPoints: { app: resolve(here, "src/main.tsx") },
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  outdir: resolve(out, "assets"),
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  logLevel: "warning",
});
copyFileSync(resolve(here, "index.html"), resolve(out, "index.html"));
