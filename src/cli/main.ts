/**
 * The `timbrescope` command line. This file only wires subcommands (one file each in src/cli/)
 * and turns errors into one line on stderr with a non-zero exit code.
 */
import { Command, CommanderError } from "commander";
import { UserError, oneLine } from "../errors.js";
import { log, setLogLevel } from "../log.js";
import { registerMel } from "./mel.js";
import { registerMetrics } from "./metrics.js";
import { registerDataset } from "./dataset.js";
import { registerInspect } from "./inspect.js";
import { registerSynth } from "./synth.js";
import { registerDevices } from "./devices.js";
import { registerTrain } from "./train.js";
import { registerEvaluate } from "./evaluate.js";
import { registerAnalyze } from "./analyze.js";
import { registerCatalog } from "./catalog.js";
import { registerEvalReal } from "./eval-real.js";

/**
 * Builds the program with every subcommand of src/ registered. The live bridge adds `live` on top
 * of this in bridge/cli.ts (the composition root), so src/ never imports bridge/.
 */
export function buildProgram(): Command {
  const program = new Command("timbrescope")
    .description("Detect which of 18 instruments are playing, second by second, in live and recorded music.")
    .version(VERSION, "-V, --version")
    .option("-q, --quiet", "only print errors")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str.split("\n")[0] + "\n") });
  program.hook("preAction", (cmd) => {
    if (cmd.optsWithGlobals<{ quiet?: boolean }>().quiet === true) setLogLevel("error");
  });
  registerMel(program);
  registerMetrics(program);
  registerDataset(program);
  registerInspect(program);
  registerSynth(program);
  registerDevices(program);
  registerTrain(program);
  registerEvaluate(program);
  registerAnalyze(program);
  registerCatalog(program);
  registerEvalReal(program);
  for (const sub of program.commands) sub.exitOverride().showHelpAfterError("(run with --help for usage)");
  return program;
}

const VERSION = "0.1.0";

/**
 * Runs the CLI on `argv` (without node and script path). Resolves to the process exit code.
 * @param program the program to run; default: src/'s subcommands (bridge/cli.ts passes the full one)
 */
export async function runCli(argv: readonly string[], program: Command = buildProgram()): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and version "errors" are normal exits; commander already printed usage problems.
    return err.exitCode;
  }
  if (err instanceof UserError) {
    log.error(oneLine(err));
    return err.exitCode;
  }
  const debug = process.env["TIMBRESCOPE_DEBUG"] === "1";
  log.error(`internal error: ${oneLine(err)}${debug ? "" : " (set TIMBRESCOPE_DEBUG=1 for a stack trace)"}`);
  if (debug && err instanceof Error && err.stack !== undefined) process.stderr.write(err.stack + "\n");
  return 70;
}
