/**
 * `timbrescope live` in a child process for load, flood and soak tests: started through
 * live-child.ts (stand-in model) or full-cli-child.ts (real model), with the bridge URL read from
 * its log, its health log (--status-log) parsed, and a bounded wait for it to end.
 */
import { readFileSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import type { HealthRecord } from "../../src/sinks/status-log.js";
import type { FakeScorerOptions } from "./fake-scorer.js";
import { exited, spawnTs } from "./spawn-ts.js";

/** A running live child. */
export interface LiveProcess {
  readonly child: ChildProcess;
  readonly out: { stdout: string; stderr: string };
  /** http://127.0.0.1:PORT/ once the server is up (undefined with --no-server). */
  readonly url: string | undefined;
  /** Resolves with the exit code or signal. */
  readonly exit: Promise<number | string>;
}

/**
 * Starts `live ARGS` and waits (at most `readyMs`) until it logs that it runs.
 * @param model "fake" (live-child.ts with `fake` options) or "real" (the full CLI; pass --model yourself)
 */
export async function startLive(
  args: readonly string[],
  opts: { model?: "fake" | "real"; fake?: FakeScorerOptions; readyMs?: number } = {},
): Promise<LiveProcess> {
  const entry = opts.model === "real" ? "test/helpers/full-cli-child.ts" : "test/helpers/live-child.ts";
  const { child, out } = spawnTs(entry, ["live", ...args], { FAKE_SCORER: JSON.stringify(opts.fake ?? {}) });
  const exit = exited(child);
  // The announcement is several log lines, which can reach the pipe in separate chunks: with a
  // server, wait for its URL line, not only the first line.
  const ready = args.includes("--no-server") ? /live: model .*\n/ : /live: UI and WebSocket on .*\n/;
  const t0 = Date.now();
  while (!ready.test(out.stderr) && child.exitCode === null && Date.now() - t0 < (opts.readyMs ?? 30_000))
    await new Promise((r) => setTimeout(r, 20));
  if (!ready.test(out.stderr)) {
    child.kill("SIGKILL");
    throw new Error(`live did not start: ${out.stderr}`);
  }
  const m = /live: UI and WebSocket on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out.stderr);
  return { child, out, url: m?.[1], exit };
}

/** Waits at most `ms` for the child to end; kills it (and fails) if it does not. */
export async function endOf(p: LiveProcess, ms: number): Promise<number | string> {
  const timer = setTimeout(() => p.child.kill("SIGKILL"), ms);
  const code = await p.exit;
  clearTimeout(timer);
  return code;
}

/** The records of a --status-log file. */
export function readHealth(path: string): HealthRecord[] {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as HealthRecord);
}
