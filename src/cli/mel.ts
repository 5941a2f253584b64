import type { Command } from "commander";

/** Placeholder until the subcommand lands. */
export function registerMel(_program: Command): void {
  // filled in by the mel subcommand work
}
