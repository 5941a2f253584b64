/**
 * The development-set figures on hand-built score arrays: a case small enough to count by hand,
 * then a random one checked against NumPy / SciPy (Mann-Whitney U from average ranks, which is the
 * ROC-AUC with ties counted 1/2; false positives as score >= threshold).
 */
import { describe, expect, it } from "vitest";
import { N_CLASSES } from "../../../../src/data/classes.js";
import { classIndex, UNKNOWN } from "../../../../src/evaluate/real/labels.js";
import { aucOfScores, evaluateReal, falsePositives, maxOfTwo } from "../../../../src/evaluate/real/metrics.js";
import type { ScoredRows } from "../../../../src/evaluate/real/metrics.js";
import { SOURCE_IDS } from "../../../../src/evaluate/real/packages.js";
import type { SourceId } from "../../../../src/evaluate/real/packages.js";
import { expectAllClose } from "../../../helpers/close.js";
import { runPython } from "../../../helpers/python.js";

const DRUMS = classIndex("drums");
const DIST = classIndex("distorted-guitar");
const CLEAN = classIndex("clean-guitar");

/** Uniform [0, 1) from a 32-bit LCG (deterministic). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("hand-counted", () => {
  it("AUC of max(distorted, clean), FP at the thresholds, and unknown labels left out", () => {
    // Four seconds: two Frets on Fire guitar seconds, two Wesnoth seconds without guitar.
    // max(distorted, clean) = [0.9, 0.6] for the positives and [0.7, 0.2] for the negatives:
    // pairs (0.9>0.7) (0.9>0.2) (0.6<0.7) (0.6>0.2) -> AUC 3/4. Negatives flagged with thresholds
    // distorted 0.5, clean 0.65: second 3 (clean 0.7 >= 0.65) only -> FP 1/2.
    const rows = 4;
    const scores = new Float32Array(rows * N_CLASSES);
    const labels = new Int8Array(rows * N_CLASSES).fill(UNKNOWN);
    const set = (r: number, c: number, s: number, l: number): void => {
      scores[r * N_CLASSES + c] = s;
      labels[r * N_CLASSES + c] = l;
    };
    set(0, DIST, 0.9, UNKNOWN);
    set(0, CLEAN, 0.1, UNKNOWN);
    set(1, DIST, 0.2, UNKNOWN);
    set(1, CLEAN, 0.6, UNKNOWN);
    set(2, DIST, 0.3, 0);
    set(2, CLEAN, 0.7, 0);
    set(3, DIST, 0.2, 0);
    set(3, CLEAN, 0.1, 0);
    // Drums: known absent on the Wesnoth seconds only; 0.55 >= 0.5 is a false positive, 0.4 is not.
    set(2, DRUMS, 0.55, 0);
    set(3, DRUMS, 0.4, 0);
    set(0, DRUMS, 0.99, UNKNOWN);
    const thresholds = new Array<number>(N_CLASSES).fill(0.5);
    thresholds[CLEAN] = 0.65;
    const f = evaluateReal(
      {
        rows,
        scores,
        labels,
        electricGuitar: Int8Array.from([1, 1, 0, 0]),
        sources: ["fof", "fof", "wesnoth", "wesnoth"],
        recordings: ["fof-a", "fof-b", "wes-c", "wes-c"],
      },
      thresholds,
    );
    expect(f.electricGuitar.auc).toBe(0.75);
    // song a's 0.9 beats both negatives (0.7, 0.2); song b's 0.6 only one
    expect(f.electricGuitar.bySong).toEqual([
      { id: "fof-a", positives: 1, median: Math.fround(0.9), auc: 1 },
      { id: "fof-b", positives: 1, median: Math.fround(0.6), auc: 0.5 },
    ]);
    expect(f.electricGuitar.fp).toEqual({ n: 2, count: 1, rate: 0.5 });
    expect(f.drumsOnOrchestral).toEqual({ n: 2, count: 1, rate: 0.5 });
    const drums = f.perClass[DRUMS]!;
    expect([drums.positives, drums.negatives, drums.auc]).toEqual([0, 2, null]);
    expect(f.perClass[DIST]!.fp).toEqual({ n: 2, count: 0, rate: 0 });
    expect(f.perClass[CLEAN]!.fp).toEqual({ n: 2, count: 1, rate: 0.5 });
    expect(f.meanAuc).toBeNull();
    expect(aucOfScores([0.5], [0.5])).toBe(0.5);
    expect(falsePositives([0.5, 0.49], 0.5)).toEqual({ n: 2, count: 1, rate: 0.5 });
    expect(Array.from(maxOfTwo([0.1, 0.8], [0.3, 0.2]))).toEqual([0.3, 0.8]);
  });
});

const ORACLE = String.raw`
import sys, json
import numpy as np
from scipy.stats import rankdata
d = json.loads(sys.stdin.read())
S = np.array(d["scores"], dtype=np.float32).astype(np.float64).reshape(-1, 18)
L = np.array(d["labels"]).reshape(-1, 18)
G = np.array(d["guitar"]); src = np.array(d["sources"]); rec = np.array(d["recordings"]); th = np.array(d["thresholds"], dtype=np.float32).astype(np.float64)
def auc(p, n):
    if len(p) == 0 or len(n) == 0: return None
    r = rankdata(np.concatenate([p, n]))  # average ranks: ties count 1/2
    return float((r[:len(p)].sum() - len(p) * (len(p) + 1) / 2) / (len(p) * len(n)))
out = {"auc": [], "fp": []}
for c in range(18):
    out["auc"].append(auc(S[L[:, c] == 1, c], S[L[:, c] == 0, c]))
    neg = S[L[:, c] == 0, c]
    out["fp"].append(float(np.mean(neg >= th[c])))
eg = np.maximum(S[:, 3], S[:, 4])
out["eg_auc"] = auc(eg[(G == 1) & (src == "fof")], eg[G == 0])
out["eg_auc_all"] = auc(eg[G == 1], eg[G == 0])
songs = list(dict.fromkeys(rec[(src == "fof") & (G == 1)]))
out["by_song"] = [[s, int(((rec == s) & (G == 1)).sum()), float(np.median(eg[(rec == s) & (G == 1)])), auc(eg[(rec == s) & (G == 1)], eg[G == 0])] for s in songs]
negr = G == 0
out["eg_fp"] = float(np.mean((S[negr, 3] >= th[3]) | (S[negr, 4] >= th[4])))
w = (L[:, 0] == 0) & (src == "wesnoth")
out["drums_orch"] = float(np.mean(S[w, 0] >= th[0]))
print(json.dumps(out))
`;

describe("against NumPy / SciPy", () => {
  it("per-class AUC and FP, electric guitar = max of two classes, drums on orchestral seconds", () => {
    const rows = 1200;
    const rand = lcg(2026);
    const scores = new Float32Array(rows * N_CLASSES);
    const labels = new Int8Array(rows * N_CLASSES);
    const sources: SourceId[] = [];
    const guitar = new Int8Array(rows);
    for (let r = 0; r < rows; r++) {
      sources.push(SOURCE_IDS[Math.floor(rand() * SOURCE_IDS.length)]!);
      guitar[r] = rand() < 0.3 ? 1 : rand() < 0.5 ? 0 : UNKNOWN;
      for (let c = 0; c < N_CLASSES; c++) {
        const u = rand();
        const l = u < 0.2 ? 1 : u < 0.7 ? 0 : UNKNOWN;
        labels[r * N_CLASSES + c] = l;
        // Scores on a 1/64 grid so ties are frequent; positives shifted up a little.
        scores[r * N_CLASSES + c] = Math.min(1, Math.floor((rand() + (l === 1 ? 0.3 : 0)) * 64) / 64);
      }
    }
    const thresholds = Array.from({ length: N_CLASSES }, () => Math.fround(0.2 + 0.6 * rand()));
    // recordings of 100 rows each, named after the source of their row (so a Frets on Fire row's
    // recording holds other sources' rows too: only fof rows may count for a song)
    const recordings = sources.map((s, r) => `${s}-${Math.floor(r / 100)}`);
    const set: ScoredRows = { rows, scores, labels, electricGuitar: guitar, sources, recordings };
    const f = evaluateReal(set, thresholds);
    const ref = JSON.parse(
      runPython(
        ORACLE,
        JSON.stringify({
          scores: Array.from(scores),
          labels: Array.from(labels),
          guitar: Array.from(guitar),
          sources,
          recordings,
          thresholds,
        }),
      ),
    ) as {
      auc: number[];
      fp: number[];
      eg_auc: number;
      eg_auc_all: number;
      eg_fp: number;
      drums_orch: number;
      by_song: [string, number, number, number][];
    };
    expectAllClose(
      f.perClass.map((c) => c.auc ?? NaN),
      ref.auc,
      1e-12,
      "per-class AUC",
    );
    expectAllClose(
      f.perClass.map((c) => c.fp.rate ?? NaN),
      ref.fp,
      1e-12,
      "per-class FP rate",
    );
    expectAllClose(
      [f.electricGuitar.auc ?? NaN, f.electricGuitar.aucAllPositives ?? NaN, f.electricGuitar.fp.rate ?? NaN],
      [ref.eg_auc, ref.eg_auc_all, ref.eg_fp],
      1e-12,
      "electric guitar",
    );
    expectAllClose([f.drumsOnOrchestral.rate ?? NaN], [ref.drums_orch], 1e-12, "drums on orchestral seconds");
    expect(ref.by_song.length).toBe(12);
    expect(f.electricGuitar.bySong.map((s) => [s.id, s.positives])).toEqual(ref.by_song.map(([id, n]) => [id, n]));
    expectAllClose(
      f.electricGuitar.bySong.flatMap((s) => [s.median, s.auc ?? NaN]),
      ref.by_song.flatMap(([, , m, a]) => [m, a]),
      1e-12,
      "per-song guitar median and AUC",
    );
  });
});
