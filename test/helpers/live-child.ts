/**
 * `timbrescope live` with the fake scorer, as a separate process (kill -9 test, OSC end-to-end
 * test inside a network namespace). Run with `node <tsExecArgv()> test/helpers/live-child.ts ARGS`.
 * FAKE_SCORER (JSON of FakeScorerOptions) configures the stand-in model.
 */
import { Command } from "commander";
import { registerLive } from "../../bridge/live-command.js";
import { oneLine } from "../../src/errors.js";
import { fakeScorerSpec } from "./fake-scorer.js";
import type { FakeScorerOptions } from "./fake-scorer.js";

const opts = JSON.parse(process.env["FAKE_SCORER"] ?? "{}") as FakeScorerOptions;
const program = new Command("timbrescope").exitOverride();
registerLive(program, { scorerFor: () => fakeScorerSpec(opts) });
try {
  await program.parseAsync(process.argv.slice(2), { from: "user" });
} catch (err) {
  process.stderr.write(`live-child: ${oneLine(err)}\n`);
  process.exitCode = 1;
}
