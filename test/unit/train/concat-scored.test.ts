/**
 * concatScored (src/train/validate.ts): scored sets joined for threshold tuning keep every row's
 * scores and labels in order, keep the tracks of different sets apart, and refuse sets of different
 * widths.
 */
import { describe, expect, it } from "vitest";
import { concatScored, type ScoredWindows } from "../../../src/train/validate.js";

function set(rows: number, cols: number, tracks: readonly number[], offset: number): ScoredWindows {
  return {
    scores: Float32Array.from({ length: rows * cols }, (_, i) => offset + i / 100),
    labels: Uint8Array.from({ length: rows * cols }, (_, i) => (i + offset) % 2),
    trackIds: Int32Array.from(tracks),
    rows,
    cols,
  };
}

describe("concatScored", () => {
  it("joins rows in order and shifts track ids past the previous set's", () => {
    const a = set(3, 2, [0, 0, 4], 0);
    const b = set(2, 2, [0, 1], 10);
    const c = concatScored([a, b]);
    expect([c.rows, c.cols]).toEqual([5, 2]);
    expect(Array.from(c.scores)).toEqual([...Array.from(a.scores), ...Array.from(b.scores)]);
    expect(Array.from(c.labels)).toEqual([...Array.from(a.labels), ...Array.from(b.labels)]);
    // set a's tracks are 0..4, so b's track 0 becomes 5: no window of b is taken for a track of a
    expect(Array.from(c.trackIds)).toEqual([0, 0, 4, 5, 6]);
    expect(concatScored([a])).toEqual(a);
  });

  it("refuses sets with different numbers of columns", () => {
    expect(() => concatScored([set(1, 2, [0], 0), set(1, 3, [0], 0)])).toThrow("concatScored: column counts differ (2, 3)");
  });
});
