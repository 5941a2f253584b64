/**
 * Area under the ROC curve per class (Gururani et al. 2018 §4.3.2: "micro" AUC per instrument over
 * all test windows, then the mean over instruments).
 *
 * AUC is computed as the Mann-Whitney probability that a random positive outscores a random
 * negative, a tie counting 1/2 -- exactly the trapezoid area under scikit-learn's `roc_curve`.
 * Positives and negatives are sorted separately (native typed-array sorts, O(N log N)) and merged;
 * the count is kept as an integer (doubled, so the 1/2 stays exact) and divided once, which makes
 * the result the correctly rounded rational value.
 *
 * A class whose labels are all 0 or all 1 has no ROC curve: its AUC is `null` (scikit-learn up to
 * 1.5 raises ValueError, from 1.6 returns NaN; both mean "undefined").
 */
import type { Matrix } from "../post/aggregate.js";

/** Sorted scores of one class split by label (non-zero label = positive). */
export interface SplitScores {
  /** Scores of the positive rows, ascending. */
  readonly positives: Float64Array;
  /** Scores of the negative rows, ascending. */
  readonly negatives: Float64Array;
}

/** Splits column `col` of `scores` by the labels in the same column and sorts both parts ascending. */
export function splitSorted(scores: Matrix, labels: Matrix, col: number): SplitScores {
  const { rows, cols } = scores;
  if (labels.rows !== rows || labels.cols !== cols) {
    throw new RangeError(`scores are [${rows}, ${cols}] but labels are [${labels.rows}, ${labels.cols}]`);
  }
  if (!Number.isInteger(col) || col < 0 || col >= cols) throw new RangeError(`column ${col} is outside 0..${cols - 1}`);
  let nPos = 0;
  for (let r = 0; r < rows; r++) if ((labels.data[r * cols + col] as number) !== 0) nPos++;
  const positives = new Float64Array(nPos);
  const negatives = new Float64Array(rows - nPos);
  let p = 0;
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const s = scores.data[r * cols + col] as number;
    if ((labels.data[r * cols + col] as number) !== 0) positives[p++] = s;
    else negatives[n++] = s;
  }
  positives.sort();
  negatives.sort();
  return { positives, negatives };
}

/** ROC-AUC of two ascending score lists; null when either is empty. */
export function aucFromSorted({ positives, negatives }: SplitScores): number | null {
  const nPos = positives.length;
  const nNeg = negatives.length;
  if (nPos === 0 || nNeg === 0) return null;
  // For each negative v: `below` positives score < v, `atOrBelow` score <= v. Both only grow as v
  // grows, so one pass over each list suffices.
  let below = 0;
  let atOrBelow = 0;
  let twiceWins = 0; // 2 * (#pairs with positive > negative) + #tied pairs; exact below 2^53
  for (let i = 0; i < nNeg; i++) {
    const v = negatives[i] as number;
    while (below < nPos && (positives[below] as number) < v) below++;
    if (atOrBelow < below) atOrBelow = below;
    while (atOrBelow < nPos && (positives[atOrBelow] as number) <= v) atOrBelow++;
    twiceWins += 2 * (nPos - atOrBelow) + (atOrBelow - below);
  }
  return twiceWins / (2 * nPos * nNeg);
}

/** ROC-AUC of every class (length C); `null` where a class has only one label value. */
export function rocAucPerClass(scores: Matrix, labels: Matrix): Array<number | null> {
  const out: Array<number | null> = [];
  for (let c = 0; c < scores.cols; c++) out.push(aucFromSorted(splitSorted(scores, labels, c)));
  return out;
}

/** Mean of the defined (non-null) per-class AUCs, as in the paper's "average AUC". */
export interface MeanAuc {
  /** Arithmetic mean over defined classes; null when no class is defined. */
  readonly mean: number | null;
  /** Number of classes with a defined AUC. */
  readonly nDefined: number;
}

/** Averages per-class AUCs, skipping nulls. */
export function meanAuc(perClass: ReadonlyArray<number | null>): MeanAuc {
  let sum = 0;
  let nDefined = 0;
  for (const a of perClass) {
    if (a === null) continue;
    sum += a;
    nDefined++;
  }
  return { mean: nDefined === 0 ? null : sum / nDefined, nDefined };
}
