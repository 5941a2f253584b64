import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { meanAuc, rocAucPerClass } from "../../../src/evaluate/auc.js";
import { writeNpy } from "../../../src/io/npy.js";
import { matrix } from "../../../src/post/aggregate.js";
import { expectAllClose } from "../../helpers/close.js";
import { runPython } from "../../helpers/python.js";
import { CASES, lcg, nullsAs, toMatrix } from "./metrics-cases.js";

const TOL = 1e-12;
const dir = mkdtempSync(join(tmpdir(), "ts-auc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ROC-AUC vs scikit-learn 1.2.1 fixture", () => {
  for (const c of CASES) {
    it(`${c.name}: per class (null where undefined), mean over defined, count`, () => {
      const per = rocAucPerClass(toMatrix(c.y_score), toMatrix(c.y_true));
      expect(per.map((a) => a === null)).toEqual(c.roc_auc_per_class.map((a) => a === null));
      expectAllClose(nullsAs(per), nullsAs(c.roc_auc_per_class), TOL, `${c.name} roc_auc_per_class`);
      const m = meanAuc(per);
      expectAllClose([m.mean ?? NaN], [c.roc_auc_mean_over_defined_classes], TOL, `${c.name} mean AUC`);
      expect(m.nDefined).toBe(c.roc_auc_n_defined_classes);
    });
  }
});

describe("ROC-AUC by hand and against a rank-sum oracle", () => {
  it("counts a positive/negative tie as 1/2", () => {
    // positives {0.8, 0.5}, negatives {0.5, 0.2}: pairs (0.8>0.5) 1, (0.8>0.2) 1, (0.5=0.5) 1/2, (0.5>0.2) 1 -> 3.5/4.
    const per = rocAucPerClass(matrix(Float64Array.from([0.8, 0.5, 0.5, 0.2]), 4, 1), matrix(Uint8Array.from([1, 1, 0, 0]), 4, 1));
    expect(per).toEqual([0.875]);
    expect(meanAuc([null, null])).toEqual({ mean: null, nDefined: 0 });
  });

  it("matches scipy rankdata (average ranks, Mann-Whitney U) on 20000 x 18 with heavy ties", async () => {
    const rows = 20000;
    const cols = 18;
    const rand = lcg(99);
    const scores = new Float64Array(rows * cols);
    const labels = new Float64Array(rows * cols);
    for (let i = 0; i < rows * cols; i++) {
      const c = i % cols;
      labels[i] = rand() < 0.05 + 0.05 * c ? 1 : 0;
      // 0.01 grid -> many ties; positives drift upward so AUCs differ from 0.5.
      scores[i] = Math.round(100 * Math.min(1, rand() * 0.8 + (labels[i] as number) * 0.2 * rand())) / 100;
    }
    // Class 17 all-positive: undefined on both sides.
    for (let r = 0; r < rows; r++) labels[r * cols + 17] = 1;
    await writeNpy(join(dir, "s.npy"), scores, [rows, cols], "<f8");
    await writeNpy(join(dir, "l.npy"), labels, [rows, cols], "<f8");
    const out = runPython(
      `
import json, numpy as np
from scipy.stats import rankdata
s = np.load("${join(dir, "s.npy")}"); y = np.load("${join(dir, "l.npy")}")
res = []
for j in range(s.shape[1]):
    pos = y[:, j] == 1; n1 = int(pos.sum()); n0 = len(pos) - n1
    if n1 == 0 or n0 == 0: res.append(None); continue
    r = rankdata(s[:, j])  # average ranks for ties
    res.append(float((r[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)))
print(json.dumps(res))
`,
    );
    const expected = JSON.parse(out) as Array<number | null>;
    const per = rocAucPerClass(matrix(scores, rows, cols), matrix(labels, rows, cols));
    expect(expected[17]).toBeNull();
    expectAllClose(nullsAs(per), nullsAs(expected), 1e-12, "AUC vs rankdata oracle");
  });
});
