#!/usr/bin/env node
// Entry point declared in package.json "bin". The TypeScript sources are compiled to dist/ by the
// `prepare` script, which npm runs during `npm install` / `npm ci`.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/bridge/cli.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("timbrescope: not built yet; run `npm install` (or `npm run build`) in the project folder\n");
  process.exit(1);
}
const { runFullCli } = await import(main.href);
process.exitCode = await runFullCli(process.argv.slice(2));
