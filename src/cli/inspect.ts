import type { Command } from "commander";

/** Placeholder until the subcommand lands. */
export function registerInspect(_program: Command): void {
  // filled in by the inspect subcommand work
}
