/** Spawns `node` on a TypeScript entry of this project (with the dev TypeScript hooks). */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { tsExecArgv } from "../../src/pipeline/dev-ts-loader.js";

/** Node arguments that run `entry` (a .ts path relative to the project root) with `args`. */
export function tsNodeArgs(entry: string, args: readonly string[] = []): string[] {
  return [...tsExecArgv(), entry, ...args];
}

/** Starts the entry; stdout/stderr are collected into the returned strings as they arrive. */
export function spawnTs(
  entry: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; out: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, tsNodeArgs(entry, args), { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const out = { stdout: "", stderr: "" };
  child.stdout?.on("data", (d: Buffer) => (out.stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out.stderr += d.toString()));
  return { child, out };
}

/** Resolves with the exit code (or signal name) when the child ends. */
export function exited(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)));
}
