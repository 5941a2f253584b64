/**
 * The full `timbrescope` CLI: src/'s subcommands plus `live`, which needs the bridge (OSC, WebSocket,
 * HTTP server). This is the composition root where the real model is plugged into the live
 * pipeline: `--model DIR` becomes a ScorerSpec that the scorer worker loads (src/model/scorer.ts).
 * bin/timbrescope.js runs this file.
 */
import type { Command } from "commander";
import { buildProgram, runCli } from "../src/cli/main.js";
import { siblingModule } from "../src/pipeline/dev-ts-loader.js";
import type { ScorerSpec } from "../src/pipeline/scorer.js";
import { registerLive } from "./live-command.js";
import type { LiveCliDeps } from "./live-command.js";

/** The scorer spec for a model folder: the Classifier wrapped as a WindowScorer, loaded in the worker. */
export function modelScorerSpec(modelDir: string): ScorerSpec {
  return {
    module: siblingModule(import.meta.url, "../src/model/scorer").href,
    exportName: "createScorer",
    options: { modelDir },
  };
}

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
