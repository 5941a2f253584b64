/**
 * `eval-real` end to end with the shipped model on the part of the development set CI has
 * (sonic-pi-samples: guitar phrases, piano, drum one-shots, tabla loop, choir), and its one-line
 * errors: a missing package (non-root), a bad --sources, a missing model.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerEvalReal } from "../../../src/cli/eval-real.js";
import { runCli } from "../../../src/cli/main.js";
import { setLogWriter } from "../../../src/log.js";
import { tempDir } from "../../helpers/audio-files.js";
import { captureCli } from "../../helpers/cli.js";

const dir = tempDir("timbrescope-cli-eval-real-");

interface Fp {
  n: number;
  count: number;
  rate: number | null;
}
interface ReportDoc {
  schema: string;
  schemaVersion: number;
  model: { id: string; dir: string };
  sources: string[];
  set: {
    labelledSeconds: number;
    secondsBySource: Record<string, number>;
    recordings: { id: string; source: string; seconds: number; labelledSeconds: number }[];
    packages: { name: string; licence: string }[];
  };
  electricGuitar: {
    positivesFof: number;
    positivesAll: number;
    negatives: number;
    auc: number | null;
    aucAllPositives: number | null;
    fp: Fp;
    bySong: { id: string; positives: number; median: number; auc: number | null }[];
  };
  drumsOnOrchestral: Fp;
  perClass: Record<string, { positives: number; negatives: number; auc: number | null; threshold: number; fp: Fp }>;
  notes: Record<string, string>;
}

describe("eval-real on sonic-pi-samples with models/default", () => {
  it("prints the table and writes a sane JSON report", async () => {
    const out = join(dir, "real.json");
    const r = await captureCli(["eval-real", "--model", "models/default", "--sources", "sonic-pi", "--workers", "1", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^model: \S+ \(models\/default\)/);
    expect(r.stdout).toContain("electric guitar, max(distorted, clean)");
    const doc = JSON.parse(readFileSync(out, "utf8")) as ReportDoc;
    const manifest = JSON.parse(readFileSync("models/default/manifest.json", "utf8")) as { thresholds: number[]; labels: string[] };
    expect([doc.schema, doc.schemaVersion, doc.sources]).toEqual(["timbrescope-real-eval", 1, ["sonic-pi"]]);
    expect(doc.model.id.length).toBeGreaterThan(0);
    expect(doc.set.packages.map((p) => p.name)).toEqual(["sonic-pi-samples"]);
    expect(doc.set.packages[0]!.licence).toContain("CC0");
    expect(doc.set.recordings.map((x) => x.id)).toEqual(["sp-guitar", "sp-piano", "sp-drums", "sp-tabla", "sp-choir"]);
    // About 60 s of audio: guitar 23.8 s, piano 2.8, drums 23.1, tabla 10.7, choir 1.6 (whole active seconds fewer).
    expect(doc.set.secondsBySource).toEqual({ fof: 0, wesnoth: 0, lmms: 0, "sonic-pi": doc.set.labelledSeconds });
    expect(doc.set.labelledSeconds).toBeGreaterThan(40);
    expect(doc.set.labelledSeconds).toBeLessThan(62);
    const pc = doc.perClass;
    expect(Object.keys(pc)).toHaveLength(18);
    expect(pc["drums"]!.positives).toBeGreaterThan(15);
    expect(pc["tabla"]!.positives).toBeGreaterThan(7);
    expect(pc["clean-guitar"]!.positives).toBeGreaterThan(12);
    // Every second is labelled for drums either way (no class is "unknown" for drums in these clips).
    expect(pc["drums"]!.positives + pc["drums"]!.negatives).toBe(doc.set.labelledSeconds);
    for (const [id, c] of Object.entries(pc)) {
      expect(c.threshold).toBeCloseTo(manifest.thresholds[manifest.labels.indexOf(id)]!, 6);
      if (c.auc !== null) expect(c.auc >= 0 && c.auc <= 1).toBe(true);
      expect(c.fp.n).toBe(c.negatives);
    }
    // No Frets on Fire or Wesnoth seconds in this subset: the headline figures are undefined, not 0.
    expect([doc.electricGuitar.positivesFof, doc.electricGuitar.auc, doc.drumsOnOrchestral.rate]).toEqual([0, null, null]);
    expect(doc.electricGuitar.bySong).toEqual([]); // no Frets on Fire song in this set
    expect(r.stdout).not.toContain("per song");
    expect(doc.electricGuitar.positivesAll).toBe(pc["clean-guitar"]!.positives);
    expect(doc.notes["tabla"]).toContain("tabla_*");
  });
});

/** Runs eval-real on a program whose package roots are empty folders (every package missing). */
async function runWithEmptyRoots(argv: readonly string[]): Promise<{ code: number; lines: string[] }> {
  const program = new Command("timbrescope").exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  const empty = tempDir("timbrescope-cli-eval-real-roots-");
  registerEvalReal(program, {
    roots: { fof: join(empty, "a"), wesnoth: join(empty, "b"), lmms: join(empty, "c"), "sonic-pi": join(empty, "d") },
    install: { isRoot: () => false },
  });
  for (const sub of program.commands) sub.exitOverride();
  const lines: string[] = [];
  const prev = setLogWriter((l) => lines.push(l));
  try {
    return { code: await runCli(argv, program), lines };
  } finally {
    setLogWriter(prev);
  }
}

describe("eval-real errors", () => {
  it("stops with one line naming the apt-get command when a package is missing", async () => {
    const r = await runWithEmptyRoots(["eval-real", "--model", "models/default", "--sources", "lmms,sonic-pi"]);
    expect(r.code).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toContain("apt-get install -y --no-install-recommends lmms-common sonic-pi-samples");
  });

  it("refuses a bad --sources and a folder without a model, one line each", async () => {
    const bad = await runWithEmptyRoots(["eval-real", "--sources", "fof,salamander"]);
    expect(bad.code).toBe(1);
    expect(bad.lines).toEqual([
      'error: Expected --sources all or a comma-separated list of fof, wesnoth, lmms, sonic-pi, got "fof,salamander"',
    ]);
    const noModel = await runWithEmptyRoots(["eval-real", "--model", dir]);
    expect(noModel.lines).toEqual([`error: --model ${dir}: no model.json there (expected a model folder)`]);
  });
});
