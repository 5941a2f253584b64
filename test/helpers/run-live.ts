/** Runs `timbrescope live ARGS` in-process on a program of its own (pass the scorer in deps). */
import { Command } from "commander";
import { registerLive } from "../../bridge/live-command.js";
import type { LiveCliDeps } from "../../bridge/live-command.js";
import { UserError } from "../../src/errors.js";
import { setLogWriter } from "../../src/log.js";

/** Exit code (0, or 1 for a UserError) and every log line, the error last. */
export async function runLiveInProcess(args: readonly string[], deps: LiveCliDeps = {}): Promise<{ code: number; log: string[] }> {
  const log: string[] = [];
  const prev = setLogWriter((l) => log.push(l));
  const program = new Command("timbrescope")
    .exitOverride()
    .configureOutput({ writeErr: (s) => log.push(s.trim()), writeOut: () => undefined });
  registerLive(program, { handleSignals: false, ...deps });
  try {
    await program.parseAsync(["live", ...args], { from: "user" });
    return { code: 0, log };
  } catch (err) {
    if (err instanceof UserError) log.push(err.message);
    return { code: 1, log };
  } finally {
    setLogWriter(prev);
  }
}
