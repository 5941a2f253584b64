import type { Command } from "commander";

/** Placeholder until the subcommand lands. */
export function registerDataset(_program: Command): void {
  // filled in by the dataset subcommand work
}
