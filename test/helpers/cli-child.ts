/**
 * The full `timbrescope` CLI (the real model wiring, bridge/cli.ts) as a separate process, from the
 * TypeScript sources: `node <tsExecArgv()> test/helpers/cli-child.ts ARGS`.
 */
import { runFullCli } from "../../bridge/cli.js";

process.exitCode = await runFullCli(process.argv.slice(2));
