import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { captureCli } from "../../helpers/cli.js";
import { CLASSES } from "../../../src/data/classes.js";
import { expectedLabelTable, MEDLEYDB_ROOT, MIXING_SECRETS_ROOT } from "../data/expected-labels.js";
import type { ExpectedTrack } from "../data/expected-labels.js";

interface Stats {
  tracks: number;
  windows: number;
  labels: Record<string, { tracks: number; activeWindows: number }>;
  classes: Record<string, { tracks: number; activeWindows: number }>;
  skipped: { track: string; reason: string }[];
}

const ROOTS = [MEDLEYDB_ROOT, MIXING_SECRETS_ROOT];
const BLEED = [
  "BannedFromTheZoo_Encore",
  "BigStoneCulture_FragileThoughts",
  "DonCamilloChoir_MarshMarigoldsSong",
  "MatthewEntwistle_Lontano",
  "Phoenix_ElzicsFarewell",
  "PurlingHiss_Lolita",
  "Wolf_DieBekherte",
];

/** Per-class sums of the README table over `rows`. */
function readmeClasses(rows: readonly ExpectedTrack[]): Record<string, { tracks: number; activeWindows: number }> {
  const out: Record<string, { tracks: number; activeWindows: number }> = {};
  for (const c of CLASSES) {
    const n = rows.map((r) => r.perClass.get(c.label) ?? 0).filter((x) => x > 0);
    out[c.label] = { tracks: n.length, activeWindows: n.reduce((s, x) => s + x, 0) };
  }
  return out;
}

async function statsJson(args: string[]): Promise<Stats> {
  const r = await captureCli(["dataset", "stats", ...args, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Stats;
}

describe("timbrescope dataset stats --json", () => {
  const table = expectedLabelTable();

  it("unfiltered, no label map: equals the README table's totals", async () => {
    const s = await statsJson([...ROOTS, "--unfiltered", "--no-label-map"]);
    expect(Object.keys(s)).toEqual(["tracks", "windows", "labels", "classes", "skipped"]);
    expect(s.tracks).toBe(34);
    expect(s.windows).toBe(table.reduce((n, r) => n + r.windows, 0));
    expect(s.classes).toEqual(readmeClasses(table));
    expect(s.skipped).toEqual([]);
    // without a map, a raw label that is a class string counts exactly like the class
    for (const c of CLASSES) if (s.labels[c.label] !== undefined) expect(s.labels[c.label], c.label).toEqual(s.classes[c.label]);
    expect(s.labels["bassmic"]?.tracks).toBe(1);
    expect(s.labels["tambourine"]?.tracks).toBe(1); // BenjaminJohn; PurlingHiss' S05 has no .lab column
  });

  it("filtered with the label map: bleed + class-less tracks skipped, Mixing Secrets basses mapped", async () => {
    const s = await statsJson(ROOTS);
    const kept = table.filter((r) => !BLEED.includes(r.track) && r.track !== "MusicDelta_ChineseYaoZu");
    expect(s.tracks).toBe(26);
    expect(s.windows).toBe(kept.reduce((n, r) => n + r.windows, 0));
    expect(s.skipped.map((x) => x.track).sort()).toEqual([...BLEED, "MusicDelta_ChineseYaoZu"].sort());
    const readme = readmeClasses(kept);
    for (const c of CLASSES) {
      if (c.label === "electric bass" || c.label === "vocalists") continue;
      expect(s.classes[c.label], c.label).toEqual(readme[c.label]);
    }
    // bassmic/bassdi (BalazsDaniel...) and bass (BenjaminJohn) -> electric bass; male vocalists -> vocalists
    expect(s.classes["electric bass"]?.tracks).toBe((readme["electric bass"]?.tracks ?? 0) + 2);
    expect(s.classes["vocalists"]?.tracks).toBe((readme["vocalists"]?.tracks ?? 0) + 1);
    expect(s.labels["bassmic"]).toBeDefined(); // raw labels are reported as written
    expect(s.labels["electric bass"]?.tracks).toBe(readme["electric bass"]?.tracks);
  });

  it("prints a readable table without --json", async () => {
    const r = await captureCli(["dataset", "stats", ...ROOTS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^26 tracks, 6740 windows of 1 s \(1\.87 h\); label map: ms-label-map-\d+; filters: bleed \(tabla kept\), no class/,
    );
    expect(r.stdout).toMatch(/\ntabla +1 +510\n/);
    expect(r.stdout).toContain("MusicDelta_ChineseYaoZu: none of the 18 classes");
  });

  it.each([
    [["/nonexistent/root"], /^error: \/nonexistent\/root: dataset root not found\n$/],
    [[mkdtempSync(join(tmpdir(), "ts-empty-"))], /^error: .*ts-empty-\w+: no \*_METADATA\.yaml found/],
  ])("fails with one line for %s", async (roots, re) => {
    const r = await captureCli(["dataset", "stats", ...roots, "--json"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("skips a malformed track by default and stops with --strict, naming the file", async () => {
    const root = mkdtempSync(join(tmpdir(), "ts-bad-"));
    mkdirSync(join(root, "metadata"));
    mkdirSync(join(root, "annotations"));
    const id = "LeadInc_InnerCircle";
    copyFileSync(join(MIXING_SECRETS_ROOT, "metadata", `${id}_METADATA.yaml`), join(root, "metadata", `${id}_METADATA.yaml`));
    const lab = readFileSync(join(MIXING_SECRETS_ROOT, "annotations", `${id}_ACTIVATION_CONF.lab`), "utf8");
    writeFileSync(join(root, "annotations", `${id}_ACTIVATION_CONF.lab`), lab.replace(/\n(\d)/, "\nnope,$1"));
    const s = await statsJson([root]);
    expect(s.tracks).toBe(0);
    expect(s.skipped).toEqual([
      { track: id, reason: expect.stringMatching(/^malformed: .*_ACTIVATION_CONF\.lab: line 2: expected 31 fields, got 32$/) as unknown },
    ]);
    const strict = await captureCli(["dataset", "stats", root, "--json", "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^error: .*LeadInc_InnerCircle_ACTIVATION_CONF\.lab: line 2: expected 31 fields, got 32\n$/);
  });

  it("restricts to --track-list files", async () => {
    const list = join(mkdtempSync(join(tmpdir(), "ts-list-")), "list.txt");
    writeFileSync(list, "# V1 subset\nAmarLal_SpringDay1\n\nLeadInc_InnerCircle  # ms\n");
    const s = await statsJson([...ROOTS, "--track-list", list]);
    expect(s.tracks).toBe(2);
    expect(s.windows).toBe(133 + 322);
  });
});

describe("timbrescope dataset split", () => {
  it("prints a versioned manifest, writes it with --out, and validates --seed", async () => {
    const r = await captureCli(["dataset", "split", ...ROOTS, "--seed", "5"]);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout) as {
      schema: string;
      version: number;
      seed: number;
      train: string[];
      test: string[];
      provenance: Record<string, string>;
    };
    expect(m.schema).toBe("timbrescope-split");
    expect(m.seed).toBe(5);
    expect(m.provenance["labelMap"]).toMatch(/^ms-label-map-/);
    expect(m.train.length + m.test.length).toBeGreaterThan(0);
    const out = join(mkdtempSync(join(tmpdir(), "ts-split-")), "split.json");
    const w = await captureCli(["dataset", "split", ...ROOTS, "--seed", "5", "--out", out]);
    expect(w.code).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(m);
    const bad = await captureCli(["dataset", "split", ...ROOTS, "--seed", "x"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--seed to be an integer, got "x"/);
  });
});
