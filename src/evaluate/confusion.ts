/**
 * The multi-label "confusion" matrix of Gururani et al. 2018 §4.4 (their Figure 4). A multi-label
 * window has no single predicted/true pair, so instead: for every false-positive class i, count how
 * often each class j is a false negative in the same window (the hypothesis being that an instrument
 * is wrongly detected because of another, missed one). Row i is that histogram normalised to sum 1,
 * an estimate of P(j missed | i wrongly detected, something missed).
 *
 * (The caption of the paper's Figure 4 says "conditioned on a true positive"; §4.4 and the analysis
 * in §5 condition on a false positive, which is what is implemented.)
 *
 * Choices (the paper does not spell them out):
 * - The diagonal is kept so the matrix is C x C as in the paper, but it is always 0: class i cannot
 *   be a false positive (label 0) and a false negative (label 1) in the same window.
 * - A window where i is a false positive but nothing is missed adds nothing to row i; `fpWindows`
 *   still counts it, so callers can tell how much of row i's evidence the histogram covers.
 * - A row with no counts at all (i never a false positive, or never alongside a miss) is all zeros,
 *   not NaN/null: zeros plot cleanly as a heat map and serialise as JSON. `rowTotals[i] === 0`
 *   identifies those rows.
 */
import type { Matrix } from "../post/aggregate.js";

/** The normalised matrix plus the raw counts behind it. */
export interface FpFnConfusion {
  /**
   * `matrix[i][j]`: share of false negatives of class j among those co-occurring with a false positive of i.
   * Rows sum to 1 or are all 0.
   */
  readonly matrix: number[][];
  /** `counts[i][j]`: windows where i is a false positive and j a false negative. */
  readonly counts: number[][];
  /** `rowTotals[i]`: sum of `counts[i]` (0 = an all-zero row). */
  readonly rowTotals: number[];
  /** `fpWindows[i]`: windows where class i is a false positive. */
  readonly fpWindows: number[];
}

/** Builds the FP-vs-FN confusion matrix from 0/1 `labels` and 0/1 `predictions` (non-zero = positive). */
export function fpFnConfusion(labels: Matrix, predictions: Matrix): FpFnConfusion {
  const { rows, cols } = labels;
  if (predictions.rows !== rows || predictions.cols !== cols) {
    throw new RangeError(`fpFnConfusion: labels are [${rows}, ${cols}] but predictions are [${predictions.rows}, ${predictions.cols}]`);
  }
  const counts = Array.from({ length: cols }, () => new Array<number>(cols).fill(0));
  const fpWindows = new Array<number>(cols).fill(0);
  const fps: number[] = [];
  const fns: number[] = [];
  for (let r = 0; r < rows; r++) {
    fps.length = 0;
    fns.length = 0;
    for (let c = 0; c < cols; c++) {
      const y = (labels.data[r * cols + c] as number) !== 0;
      const p = (predictions.data[r * cols + c] as number) !== 0;
      if (p && !y) fps.push(c);
      else if (y && !p) fns.push(c);
    }
    for (const i of fps) {
      fpWindows[i] = (fpWindows[i] as number) + 1;
      const row = counts[i] as number[];
      for (const j of fns) row[j] = (row[j] as number) + 1;
    }
  }
  const rowTotals = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const normalised = counts.map((row, i) => {
    const total = rowTotals[i] as number;
    return row.map((v) => (total === 0 ? 0 : v / total));
  });
  return { matrix: normalised, counts, rowTotals, fpWindows };
}
