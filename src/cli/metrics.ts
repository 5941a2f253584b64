import type { Command } from "commander";

/** Placeholder until the subcommand lands. */
export function registerMetrics(_program: Command): void {
  // filled in by the metrics subcommand work
}
