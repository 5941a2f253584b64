/**
 * The full `timbrescope` CLI (real model loader) as a separate process, for soak tests that measure
 * the process's own memory. Run with `node <tsExecArgv()> test/helpers/full-cli-child.ts ARGS`.
 */
import { runFullCli } from "../../bridge/cli.js";

process.exitCode = await runFullCli(process.argv.slice(2));
