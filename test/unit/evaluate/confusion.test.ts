import { describe, expect, it } from "vitest";
import { fpFnConfusion } from "../../../src/evaluate/confusion.js";
import { matrix } from "../../../src/post/aggregate.js";
import { expectAllClose } from "../../helpers/close.js";
import { lcg } from "./metrics-cases.js";

describe("FP/FN confusion matrix (paper §4.4)", () => {
  it("matches a hand-worked 5 x 3 example", () => {
    // window  labels   preds    FP      FN      adds to counts
    // w0      0 1 1    1 0 1    {0}     {1}     [0][1]
    // w1      0 1 0    1 0 1    {0,2}   {1}     [0][1], [2][1]
    // w2      1 0 0    0 0 1    {2}     {0}     [2][0]
    // w3      0 0 1    0 1 1    {1}     {}      nothing (class 1 is FP once, but nothing was missed)
    // w4      0 1 1    1 0 0    {0}     {1,2}   [0][1], [0][2]
    // counts = [[0,3,1],[0,0,0],[1,1,0]], totals [4,0,2] -> rows [0,3/4,1/4], [0,0,0], [1/2,1/2,0]
    // fpWindows = [3 (w0,w1,w4), 1 (w3), 2 (w1,w2)].
    const labels = matrix(Uint8Array.from([0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 1]), 5, 3);
    const preds = matrix(Uint8Array.from([1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0]), 5, 3);
    const r = fpFnConfusion(labels, preds);
    expect(r.counts).toEqual([
      [0, 3, 1],
      [0, 0, 0],
      [1, 1, 0],
    ]);
    expectAllClose(r.matrix.flat(), [0, 0.75, 0.25, 0, 0, 0, 0.5, 0.5, 0], 1e-15, "normalised");
    expect(r.rowTotals).toEqual([4, 0, 2]);
    expect(r.fpWindows).toEqual([3, 1, 2]);
  });

  it("has rows summing to 1 (or all 0 exactly when the row has no counts) and a zero diagonal", () => {
    const rand = lcg(7);
    for (let trial = 0; trial < 20; trial++) {
      const rows = 50 + trial * 10;
      const cols = 18;
      const y = Uint8Array.from({ length: rows * cols }, () => (rand() < 0.2 ? 1 : 0));
      const p = Uint8Array.from({ length: rows * cols }, () => (rand() < 0.15 + trial * 0.01 ? 1 : 0));
      const r = fpFnConfusion(matrix(y, rows, cols), matrix(p, rows, cols));
      const sums = r.matrix.map((row) => row.reduce((a, b) => a + b, 0));
      const expected = r.rowTotals.map((t) => (t === 0 ? 0 : 1));
      expectAllClose(sums, expected, 1e-12, `trial ${trial} row sums`);
      expect(r.matrix.every((row, i) => row[i] === 0 && row.every((v) => v >= 0 && v <= 1))).toBe(true);
      // A class is in row i's histogram only if i was a false positive somewhere.
      expect(r.rowTotals.every((t, i) => t <= (r.fpWindows[i] as number) * (cols - 1))).toBe(true);
    }
  });

  it("rejects mismatched shapes", () => {
    expect(() => fpFnConfusion(matrix(new Uint8Array(4), 2, 2), matrix(new Uint8Array(6), 3, 2))).toThrow(RangeError);
  });
});
