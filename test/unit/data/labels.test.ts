import { describe, expect, it } from "vitest";
import { CLASS_INDEX_BY_LABEL, CLASSES, N_CLASSES } from "../../../src/data/classes.js";
import { loadDataset } from "../../../src/data/dataset.js";
import type { Track } from "../../../src/data/dataset.js";
import { parseLab } from "../../../src/data/lab.js";
import { classActiveWindows, labelWindows, windowLabelsAt, windowsWithAnyClass } from "../../../src/data/labels.js";
import { expectedLabelTable, MEDLEYDB_ROOT, MIXING_SECRETS_ROOT } from "./expected-labels.js";

const cls = (label: string): number => {
  const c = CLASS_INDEX_BY_LABEL.get(label);
  if (c === undefined) throw new Error(label);
  return c;
};

describe("labelWindows on a hand-made table", () => {
  // rows every 0.25 s up to 3.0 s -> floor(3.0) = 3 complete windows; row 3.0 belongs to no window
  const lab = parseLab(
    [
      "time,S02,S01,S09",
      "0.00,0.1,0.1,0.9",
      "0.25,0.1,0.1,0.9",
      "0.50,0.1,0.4999,0.9",
      "0.75,0.1,0.1,0.9",
      "1.00,0.5,0.1,0.9",
      "1.25,0.1,0.1,0.9",
      "1.50,0.1,0.1,0.9",
      "1.75,0.1,0.1,0.9",
      "2.00,0.1,0.1,0.9",
      "2.25,0.1,0.1,0.9",
      "2.50,0.1,0.1,0.9",
      "2.99,0.1,0.7,0.9",
      "3.00,0.9,0.9,0.9",
    ].join("\n"),
    "hand.lab",
  );
  const stems = [
    { key: "S01", rawLabels: ["piano"], classIndices: [cls("piano")] },
    { key: "S02", rawLabels: ["male singer", "vocalists"], classIndices: [cls("male singer"), cls("vocalists")] },
    { key: "S03", rawLabels: ["piano"], classIndices: [cls("piano")] },
  ];

  it("joins columns by name, ORs stems of a class, thresholds at >= 0.5, drops the partial second", () => {
    const r = labelWindows(lab, stems);
    expect(r.nWindows).toBe(3);
    expect(r.unknownColumns).toEqual(["S09"]);
    expect(r.missingColumns).toEqual(["S03"]);
    const piano = cls("piano");
    const male = cls("male singer");
    const vox = cls("vocalists");
    expect([0, 1, 2].map((w) => windowLabelsAt(r, w)[piano])).toEqual([0, 0, 1]); // 0.4999 < 0.5; 2.99 -> window 2
    expect([0, 1, 2].map((w) => windowLabelsAt(r, w)[male])).toEqual([0, 1, 0]); // exactly 0.5 counts
    expect([0, 1, 2].map((w) => windowLabelsAt(r, w)[vox])).toEqual([0, 1, 0]); // list-valued label: every entry
    expect(r.rawLabelActiveWindows.get("piano")).toBe(1);
    expect(r.rawLabelActiveWindows.get("vocalists")).toBe(1);
    expect(windowsWithAnyClass(r)).toBe(2);
    expect(r.classes).toHaveLength(3 * N_CLASSES);
  });

  it("caps the window count by the audio's whole seconds", () => {
    expect(labelWindows(lab, stems, { maxWindows: 2.9 }).nWindows).toBe(2);
    expect(labelWindows(lab, stems, { maxWindows: 10 }).nWindows).toBe(3);
    expect(() => windowLabelsAt(labelWindows(lab, stems), 3)).toThrow(/window index/);
  });
});

describe("1 s labels of every fixture track (README 'Expected 1 s labels', no label map)", async () => {
  const expected = expectedLabelTable();
  const ds = await loadDataset([MEDLEYDB_ROOT, MIXING_SECRETS_ROOT], { unfiltered: true, labelMap: null });
  const byId = new Map<string, Track>(ds.tracks.map((t) => [t.id, t]));

  it("the README table has all 34 fixture tracks and nothing is skipped unfiltered", () => {
    expect(expected).toHaveLength(34);
    expect(ds.skipped).toEqual([]);
    expect(ds.tracks).toHaveLength(34);
  });

  it.each(expected.map((e) => [e.track, e] as const))("%s", (_id, e) => {
    const t = byId.get(e.track);
    expect(t, e.track).toBeDefined();
    if (t === undefined) return;
    expect(t.annotationSource).toBe(e.ac === "ms" ? "mixing-secrets" : e.ac);
    expect(t.labRows).toBe(e.rows);
    expect(t.labels.nWindows).toBe(e.windows);
    expect(windowsWithAnyClass(t.labels)).toBe(e.windowsWithClass);
    const got = new Map<string, number>();
    classActiveWindows(t.labels).forEach((n, c) => {
      if (n > 0) got.set((CLASSES[c] as (typeof CLASSES)[number]).label, n);
    });
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(e.perClass));
  });
});
