import { describe, expect, it } from "vitest";
import { bestF1PerClass, binarize, f1ThresholdScan, precisionRecallF1 } from "../../../src/evaluate/prf.js";
import { matrix } from "../../../src/post/aggregate.js";
import { expectAllClose } from "../../helpers/close.js";
import { CASES, toMatrix } from "./metrics-cases.js";

const TOL = 1e-12;
const AVERAGES = ["micro", "macro", "samples"] as const;

describe("P/R/F1 at 0.5 vs scikit-learn 1.2.1 fixture", () => {
  for (const c of CASES) {
    it(`${c.name}: y_pred, per class, micro/macro/samples`, () => {
      const ref = c["prf_at_threshold_0.5"];
      const scores = toMatrix(c.y_score);
      const pred = binarize(scores, new Array<number>(scores.cols).fill(0.5));
      expect(Array.from(pred.data)).toEqual(ref.y_pred.flat());
      const got = precisionRecallF1(toMatrix(c.y_true), pred);
      expectAllClose(got.precision, ref.precision, TOL, `${c.name} precision`);
      expectAllClose(got.recall, ref.recall, TOL, `${c.name} recall`);
      expectAllClose(got.f1, ref.f1, TOL, `${c.name} f1`);
      expect(got.support).toEqual(ref.support);
      const flat = (p: typeof got.micro): number[] => [p.precision, p.recall, p.f1];
      expectAllClose(
        AVERAGES.flatMap((a) => flat(got[a])),
        AVERAGES.flatMap((a) => flat(ref[a])),
        TOL,
        `${c.name} averages`,
      );
    });
  }
});

describe("best-F1 threshold and full scan vs fixture", () => {
  for (const c of CASES) {
    it(`${c.name}: best threshold (ties -> lowest), highest tie, and every scan point`, () => {
      const scores = toMatrix(c.y_score);
      const labels = toMatrix(c.y_true);
      const best = bestF1PerClass(scores, labels);
      const bestFlat = best.flatMap((b) => [b.threshold, b.f1, b.highestThresholdWithSameF1]);
      const refFlat = c.best_f1_per_class.flatMap((b) => [b.threshold, b.f1, b.highest_threshold_with_same_f1]);
      expectAllClose(bestFlat, refFlat, TOL, `${c.name} best_f1_per_class`);
      const scanKeys = ["threshold", "precision", "recall", "f1", "tp", "fp", "fn"] as const;
      const scan = Array.from({ length: scores.cols }, (_, k) => f1ThresholdScan(scores, labels, k));
      expect(scan.map((s) => s.length)).toEqual(c.f1_threshold_scan_per_class.map((s) => s.length));
      expectAllClose(
        scan.flat().flatMap((p) => scanKeys.map((key) => p[key])),
        c.f1_threshold_scan_per_class.flat().flatMap((p) => scanKeys.map((key) => p[key])),
        TOL,
        `${c.name} f1_threshold_scan_per_class`,
      );
    });
  }
});

describe("P/R/F1 by hand", () => {
  it("applies per-class thresholds with >= and zero_division = 0", () => {
    // Class 0 threshold 0.3: scores [0.3, 0.2] -> pred [1, 0]; labels [1, 0] -> P = R = F1 = 1.
    // Class 1 threshold 0.9: nothing predicted, labels [0, 1] -> P = 0 (0/0), R = 0, F1 = 0.
    const scores = matrix(Float64Array.from([0.3, 0.5, 0.2, 0.8]), 2, 2);
    const labels = matrix(Uint8Array.from([1, 0, 0, 1]), 2, 2);
    const r = precisionRecallF1(labels, binarize(scores, [0.3, 0.9]));
    expect([r.precision, r.recall, r.f1, r.support]).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
      [1, 1],
    ]);
    // Row 1 has one miss and nothing predicted: P = 0, R = 0; row 0: P = R = 1 -> samples mean 1/2.
    expect(r.samples).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(r.micro).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3 });
  });

  it("rejects a threshold vector of the wrong length and empty scans", () => {
    expect(() => binarize(matrix(new Float64Array(4), 2, 2), [0.5])).toThrow(/1 thresholds for 2 classes/);
    expect(() => bestF1PerClass(matrix(new Float64Array(0), 0, 1), matrix(new Float64Array(0), 0, 1))).toThrow(RangeError);
  });
});
