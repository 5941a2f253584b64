import { describe, expect, it } from "vitest";
import { buildFullProgram as buildProgram } from "../../../bridge/cli.js";
import { captureCli } from "../../helpers/cli.js";

/** Every leaf subcommand path, e.g. ["dataset", "stats"]. */
function leafCommands(): string[][] {
  const out: string[][] = [];
  const walk = (cmd: ReturnType<typeof buildProgram>, path: string[]): void => {
    if (cmd.commands.length === 0) out.push(path);
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  for (const sub of buildProgram().commands) walk(sub, [sub.name()]);
  return out;
}

describe("timbrescope CLI", () => {
  it("has the foundation's subcommands", () => {
    const names = leafCommands().map((p) => p.join(" "));
    for (const want of [
      "mel",
      "metrics",
      "dataset stats",
      "dataset split",
      "inspect",
      "synth",
      "devices",
      "live",
      "train",
      "evaluate",
      "analyze",
    ])
      expect(names).toContain(want);
  });

  it("prints --help for every subcommand with usage and exit 0", async () => {
    for (const path of leafCommands()) {
      const r = await captureCli([...path, "--help"]);
      expect(r.code, path.join(" ")).toBe(0);
      expect(r.stdout, path.join(" ")).toContain(`Usage: timbrescope ${path.join(" ")}`);
    }
  });

  it("rejects an unknown subcommand with one line on stderr and a non-zero exit", async () => {
    const r = await captureCli(["frobnicate"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.split("\n")[0]).toMatch(/unknown command 'frobnicate'/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("reports a missing input file as one line naming the file, without a stack trace", async () => {
    const r = await captureCli(["inspect", "/nonexistent/song.wav"]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\/nonexistent\/song\.wav/);
  });
});
