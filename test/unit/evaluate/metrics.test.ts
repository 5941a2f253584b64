import { describe, expect, it } from "vitest";
import { rocAucPerClass } from "../../../src/evaluate/auc.js";
import { lrapMicro } from "../../../src/evaluate/lrap.js";
import { computeReport } from "../../../src/evaluate/metrics.js";
import { matrix } from "../../../src/post/aggregate.js";
import { expectAllClose } from "../../helpers/close.js";
import { CASES, lcg, nullsAs, toMatrix } from "./metrics-cases.js";

const TOL = 1e-12;

describe("computeReport bundles every fixture figure at 1 s resolution", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const r = computeReport({ scores: toMatrix(c.y_score), labels: toMatrix(c.y_true) }, { includeScan: true });
      const ref = c["prf_at_threshold_0.5"];
      expect([r.rows, r.tracks, r.nDefinedClasses]).toEqual([c.y_true.length, 1, c.roc_auc_n_defined_classes]);
      // One track: macro LRAP equals micro.
      expectAllClose([r.lrapMicro, r.lrapMacro, r.meanAuc ?? NaN], [c.lrap, c.lrap, c.roc_auc_mean_over_defined_classes], TOL, "scalars");
      expectAllClose(r.lrapPerSample, c.lrap_per_sample, TOL, "lrap_per_sample");
      expectAllClose(nullsAs(r.aucPerClass), nullsAs(c.roc_auc_per_class), TOL, "roc_auc_per_class");
      expectAllClose([...r.prf.precision, ...r.prf.recall, ...r.prf.f1], [...ref.precision, ...ref.recall, ...ref.f1], TOL, "prf");
      expectAllClose(
        r.bestF1.map((b) => b.threshold),
        c.best_f1_per_class.map((b) => b.threshold),
        TOL,
        "best thresholds",
      );
      expect(r.f1Scan?.map((s) => s.length)).toEqual(c.f1_threshold_scan_per_class.map((s) => s.length));
      expect(r.confusion.matrix).toHaveLength(c.y_true[0]?.length ?? 0);
    });
  }

  it("rejects empty input and wrong threshold counts", () => {
    const m = matrix(new Float64Array(4), 2, 2);
    expect(() => computeReport({ scores: matrix(new Float64Array(0), 0, 2), labels: matrix(new Float64Array(0), 0, 2) })).toThrow(
      /no rows/,
    );
    expect(() => computeReport({ scores: m, labels: m }, { thresholds: [0.5] })).toThrow(/1 thresholds for 2 classes/);
  });
});

describe("the paper's scale", () => {
  it("computes AUC, LRAP and a 5 s report on 100000 x 18", () => {
    const rows = 100_000;
    const cols = 18;
    const rand = lcg(2018);
    const labels = Uint8Array.from({ length: rows * cols }, () => (rand() < 0.15 ? 1 : 0));
    const scores = Float32Array.from(labels, (y) => Math.min(1, rand() * 0.7 + y * 0.3 * rand()));
    const s = matrix(scores, rows, cols);
    const y = matrix(labels, rows, cols);
    const auc = rocAucPerClass(s, y);
    const lrap = lrapMicro(s, y);
    const report = computeReport(
      { scores: s, labels: y, trackIds: Int32Array.from({ length: rows }, (_, r) => Math.floor(r / 200)) },
      { resolution: 5 },
    );
    expect(auc.every((a) => a !== null && a > 0.5 && a < 1)).toBe(true);
    expect(lrap).toBeGreaterThan(0);
    expect(report.rows).toBe(20_000);
  });
});
