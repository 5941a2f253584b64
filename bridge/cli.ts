/**
 * The full `timbrescope` CLI: src/'s subcommands plus `live`, which needs the bridge (OSC, WebSocket,
 * HTTP server). This is the composition root where the real model is plugged into the live
 * pipeline: `--model DIR` becomes a ScorerSpec that the scorer worker loads (src/model/scorer.ts).
 * bin/timbrescope.js runs this file.
 */
import type { Command } from "commander";
import { buildProgram, runCli } from "../src/cli/main.js";
import { modelScorerSpec } from "../src/model/scorer-spec.js";
import { registerLive } from "./live-command.js";
import type { LiveCliDeps } from "./live-command.js";

/** Builds the whole program (src/ subcommands + live). `deps` overrides the live wiring (tests). */
export function buildFullProgram(deps: LiveCliDeps = {}): Command {
  const program = buildProgram();
  registerLive(program, { scorerFor: modelScorerSpec, ...deps });
  for (const sub of program.commands) sub.exitOverride().showHelpAfterError("(run with --help for usage)");
  return program;
}

/** Runs the full CLI; resolves to the exit code. */
export function runFullCli(argv: readonly string[], deps: LiveCliDeps = {}): Promise<number> {
  return runCli(argv, buildFullProgram(deps));
}
