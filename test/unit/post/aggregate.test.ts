import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lrapMacro, lrapMicro } from "../../../src/evaluate/lrap.js";
import { writeNpy } from "../../../src/io/npy.js";
import type { Resolution } from "../../../src/post/aggregate.js";
import { RESOLUTIONS, aggregate, findTrackBreak, matrix, maxPool, parseResolution } from "../../../src/post/aggregate.js";
import { expectAllClose } from "../../helpers/close.js";
import { runPython } from "../../helpers/python.js";
import { lcg } from "../evaluate/metrics-cases.js";

const dir = mkdtempSync(join(tmpdir(), "ts-agg-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 7 rows x 2 classes; column 0 counts up, column 1 is a spike pattern.
const SCORES = matrix(Float64Array.from([0.1, 0.9, 0.2, 0.0, 0.3, 0.0, 0.4, 0.5, 0.5, 0.0, 0.6, 0.0, 0.7, 0.8]), 7, 2);
const LABELS = matrix(Uint8Array.from([0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]), 7, 2);

describe("max-pool aggregation (paper §3.3)", () => {
  it("pools one track in groups of 5, keeping the partial last group", () => {
    // rows 0-4: max col0 = 0.5, col1 = 0.9; labels max [1, 1]. rows 5-6: [0.7, 0.8], labels [0, 1].
    const r = aggregate({ scores: SCORES, labels: LABELS }, 5);
    expect([r.scores.rows, r.scores.cols]).toEqual([2, 2]);
    expect(Array.from(r.scores.data)).toEqual([0.5, 0.9, 0.7, 0.8]);
    expect(Array.from(r.labels.data)).toEqual([1, 1, 0, 1]);
    expect(Array.from(r.trackIds)).toEqual([0, 0]);
  });

  it("never pools across tracks", () => {
    // Tracks 4 (rows 0-2) and 9 (rows 3-6); groups of 5 -> one group per track here:
    // track 4: max of rows 0-2 = [0.3, 0.9]; track 9: max of rows 3-6 = [0.7, 0.8].
    const ids = Int32Array.from([4, 4, 4, 9, 9, 9, 9]);
    const r5 = aggregate({ scores: SCORES, labels: LABELS, trackIds: ids }, 5);
    expect(Array.from(r5.scores.data)).toEqual([0.3, 0.9, 0.7, 0.8]);
    expect(Array.from(r5.labels.data)).toEqual([0, 1, 1, 1]);
    expect(Array.from(r5.trackIds)).toEqual([4, 9]);
    expect(Array.from(aggregate({ scores: SCORES, labels: LABELS, trackIds: ids }, "track").scores.data)).toEqual([0.3, 0.9, 0.7, 0.8]);
    // Tracks of 6 and 1 rows at 5 s: [rows 0-4], [row 5], [row 6] -> 3 groups.
    const r = maxPool(SCORES, Int32Array.from([1, 1, 1, 1, 1, 1, 2]), 5);
    expect(Array.from(r.matrix.data)).toEqual([0.5, 0.9, 0.6, 0.0, 0.7, 0.8]);
    expect(Array.from(r.trackIds)).toEqual([1, 1, 2]);
  });

  it("is the identity at 1 s and one row per track at 'track'", () => {
    expect(Array.from(maxPool(SCORES, new Int32Array(7), 1).matrix.data)).toEqual(Array.from(SCORES.data));
    const t = maxPool(SCORES, new Int32Array(7), "track");
    expect(Array.from(t.matrix.data)).toEqual([0.7, 0.9]);
    expect(maxPool(SCORES, new Int32Array(7), 10).matrix.rows).toBe(1);
  });

  it("rejects non-contiguous tracks and shape mismatches", () => {
    expect(findTrackBreak([1, 1, 2, 1])).toEqual({ trackId: 1, row: 3, firstRunEnd: 2 });
    expect(findTrackBreak([1, 1, 2, 2])).toBeUndefined();
    expect(() => maxPool(SCORES, Int32Array.from([0, 0, 1, 1, 0, 2, 2]), 5)).toThrow(/track id 0 reappears at row 4/);
    expect(() => maxPool(SCORES, new Int32Array(6), 5)).toThrow(/6 track ids for 7 rows/);
    expect(() => maxPool(SCORES, new Int32Array(7), 0 as unknown as Resolution)).toThrow(/expected a resolution/);
    expect(() => aggregate({ scores: SCORES, labels: matrix(new Uint8Array(12), 6, 2) }, 1)).toThrow(RangeError);
  });

  it("parses resolutions", () => {
    expect(["1", "5", " 10 ", "TRACK", "3", "", "5s"].map(parseResolution)).toEqual([1, 5, 10, "track", undefined, undefined, undefined]);
  });
});

describe("aggregation + LRAP vs an independent NumPy computation", () => {
  it("matches on random multi-track input at every resolution", async () => {
    const rand = lcg(31337);
    const lengths = Array.from({ length: 9 }, () => 1 + Math.floor(rand() * 37));
    const rows = lengths.reduce((a, b) => a + b, 0);
    const cols = 18;
    const ids = Int32Array.from(lengths.flatMap((n, t) => new Array<number>(n).fill(100 + 3 * t)));
    const labels = Float64Array.from({ length: rows * cols }, () => (rand() < 0.1 ? 1 : 0));
    // Scores on a 0.05 grid so ties occur, also after pooling.
    const scores = Float64Array.from({ length: rows * cols }, () => Math.round(rand() * 20) / 20);
    await writeNpy(join(dir, "s.npy"), scores, [rows, cols], "<f8");
    await writeNpy(join(dir, "l.npy"), labels, [rows, cols], "<f8");
    await writeNpy(join(dir, "t.npy"), ids, [rows], "<i4");
    const out = runPython(`
import json, numpy as np
s = np.load("${join(dir, "s.npy")}"); y = np.load("${join(dir, "l.npy")}"); t = np.load("${join(dir, "t.npy")}")
def pool(r):
    S, Y, T = [], [], []
    for tid in dict.fromkeys(t.tolist()):
        idx = np.flatnonzero(t == tid)
        step = len(idx) if r == "track" else r
        for g in range(0, len(idx), step):
            rows = idx[g:g + step]
            S.append(s[rows].max(axis=0)); Y.append(y[rows].max(axis=0)); T.append(tid)
    return np.array(S), np.array(Y), np.array(T)
def lrap_terms(S, Y):
    out = []
    for sc, lab in zip(S, Y):
        rel = np.flatnonzero(lab == 1)
        if len(rel) == 0 or len(rel) == len(lab): out.append(1.0); continue
        out.append(np.mean([np.sum(sc[rel] >= sc[l]) / np.sum(sc >= sc[l]) for l in rel]))
    return np.array(out)
res = {}
for r in [1, 5, 10, "track"]:
    S, Y, T = pool(r); terms = lrap_terms(S, Y)
    macro = np.mean([terms[T == tid].mean() for tid in dict.fromkeys(T.tolist())])
    res[str(r)] = {"rows": len(S), "scores": S.ravel().tolist(), "labels": Y.ravel().tolist(), "ids": T.tolist(), "micro": terms.mean(), "macro": macro}
print(json.dumps(res))
`);
    const ref = JSON.parse(out) as Record<
      string,
      { rows: number; scores: number[]; labels: number[]; ids: number[]; micro: number; macro: number }
    >;
    for (const res of RESOLUTIONS) {
      const want = ref[String(res)];
      if (want === undefined) throw new Error(`oracle gave no result for ${res}`);
      const got = aggregate({ scores: matrix(scores, rows, cols), labels: matrix(labels, rows, cols), trackIds: ids }, res);
      expect(got.scores.rows, `rows at ${res}`).toBe(want.rows);
      expect(Array.from(got.trackIds), `ids at ${res}`).toEqual(want.ids);
      expectAllClose([...got.scores.data, ...got.labels.data], [...want.scores, ...want.labels], 0, `pooled at ${res}`);
      const lr = [lrapMicro(got.scores, got.labels), lrapMacro(got.scores, got.labels, got.trackIds)];
      expectAllClose(lr, [want.micro, want.macro], 1e-12, `LRAP micro/macro at ${res}`);
    }
  });
});
