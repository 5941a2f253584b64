/**
 * Precision, recall and F1 at per-class thresholds, and the per-class threshold that maximises F1
 * (Gururani et al. 2018 §5: "class-wise f-measure at all score thresholds ... selecting the threshold
 * giving the best f-measure"; Han et al. argue for one threshold per class).
 *
 * Semantics follow scikit-learn 1.2.1 `precision_recall_fscore_support(..., zero_division=0)`:
 * a ratio with a zero denominator is 0, and F1 = 2PR / (P + R) evaluated in that order (so the
 * floating-point results, and hence exact-F1 tie-breaks, match sklearn's), 0 when P + R = 0.
 * A window is predicted positive when `score >= threshold`.
 */
import type { Matrix } from "../post/aggregate.js";
import { matrix } from "../post/aggregate.js";
import { splitSorted } from "./auc.js";

/** Precision, recall and F1 of one averaging mode. */
export interface Prf {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** P/R/F1 per class plus the three sklearn averages. */
export interface PrfReport {
  /** Per class (length C). */
  readonly precision: number[];
  readonly recall: number[];
  readonly f1: number[];
  /** Positive windows per class. */
  readonly support: number[];
  /** From the totals of TP/FP/FN over all classes and windows. */
  readonly micro: Prf;
  /** Unweighted mean of the per-class values (macro F1 is the mean of F1s, not F1 of the means). */
  readonly macro: Prf;
  /** Per-window P/R/F1 over its classes, then the mean over windows. */
  readonly samples: Prf;
}

const ratio = (num: number, den: number): number => (den === 0 ? 0 : num / den);
/** sklearn's f-score: (1 + beta^2) * P * R / (beta^2 * P + R) with beta = 1; 0 when P + R = 0. */
const fScore = (p: number, r: number): number => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const prf = (tp: number, fp: number, fn: number): Prf => {
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return { precision, recall, f1: fScore(precision, recall) };
};

/** Binarises `scores` per column: 1 where `score >= thresholds[col]` (thresholds has length C). */
export function binarize(scores: Matrix, thresholds: ArrayLike<number>): Matrix {
  const { rows, cols } = scores;
  if (thresholds.length !== cols) throw new RangeError(`binarize: ${thresholds.length} thresholds for ${cols} classes`);
  const out = new Uint8Array(rows * cols);
  for (let i = 0; i < rows * cols; i++) out[i] = (scores.data[i] as number) >= (thresholds[i % cols] as number) ? 1 : 0;
  return matrix(out, rows, cols);
}

/** P/R/F1/support from 0/1 `labels` and 0/1 `predictions` of the same shape (non-zero = positive). */
export function precisionRecallF1(labels: Matrix, predictions: Matrix): PrfReport {
  const { rows, cols } = labels;
  if (predictions.rows !== rows || predictions.cols !== cols) {
    throw new RangeError(`precisionRecallF1: labels are [${rows}, ${cols}] but predictions are [${predictions.rows}, ${predictions.cols}]`);
  }
  const tp = new Float64Array(cols);
  const fp = new Float64Array(cols);
  const fn = new Float64Array(cols);
  let sP = 0;
  let sR = 0;
  let sF = 0;
  for (let r = 0; r < rows; r++) {
    let rowTp = 0;
    let rowFp = 0;
    let rowFn = 0;
    for (let c = 0; c < cols; c++) {
      const y = (labels.data[r * cols + c] as number) !== 0;
      const p = (predictions.data[r * cols + c] as number) !== 0;
      if (y && p) {
        tp[c] = (tp[c] as number) + 1;
        rowTp++;
      } else if (p) {
        fp[c] = (fp[c] as number) + 1;
        rowFp++;
      } else if (y) {
        fn[c] = (fn[c] as number) + 1;
        rowFn++;
      }
    }
    const s = prf(rowTp, rowFp, rowFn);
    sP += s.precision;
    sR += s.recall;
    sF += s.f1;
  }
  const perClass = Array.from({ length: cols }, (_, c) => prf(tp[c] as number, fp[c] as number, fn[c] as number));
  const sum = (xs: Float64Array): number => xs.reduce((a, b) => a + b, 0);
  const avg = (key: keyof Prf): number => perClass.reduce((a, p) => a + p[key], 0) / cols;
  return {
    precision: perClass.map((p) => p.precision),
    recall: perClass.map((p) => p.recall),
    f1: perClass.map((p) => p.f1),
    support: Array.from(tp, (t, c) => t + (fn[c] as number)),
    micro: prf(sum(tp), sum(fp), sum(fn)),
    macro: { precision: avg("precision"), recall: avg("recall"), f1: avg("f1") },
    samples: { precision: sP / rows, recall: sR / rows, f1: sF / rows },
  };
}

/** One candidate threshold of a class's F1 scan. */
export interface ScanPoint extends Prf {
  /** Predict positive when score >= threshold. */
  readonly threshold: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/** Called once per unique score t, ascending, with the confusion counts of `score >= t`. */
type ThresholdVisitor = (threshold: number, tp: number, fp: number, fn: number) => void;

/** Walks the unique scores of column `col` ascending (merging the sorted positives and negatives). */
function walkThresholds(scores: Matrix, labels: Matrix, col: number, visit: ThresholdVisitor): void {
  const { positives, negatives } = splitSorted(scores, labels, col);
  const nPos = positives.length;
  const nNeg = negatives.length;
  let i = 0; // positives below the current threshold (= false negatives)
  let j = 0; // negatives below the current threshold
  while (i < nPos || j < nNeg) {
    const t = Math.min(i < nPos ? (positives[i] as number) : Infinity, j < nNeg ? (negatives[j] as number) : Infinity);
    visit(t, nPos - i, nNeg - j, i);
    while (i < nPos && (positives[i] as number) <= t) i++;
    while (j < nNeg && (negatives[j] as number) <= t) j++;
  }
}

/**
 * F1 at every unique score of column `col`, thresholds ascending (so the first point predicts every
 * window positive). `+inf` (predict nothing) is not scanned. O(N log N).
 */
export function f1ThresholdScan(scores: Matrix, labels: Matrix, col: number): ScanPoint[] {
  const out: ScanPoint[] = [];
  walkThresholds(scores, labels, col, (threshold, tp, fp, fn) => out.push({ threshold, ...prf(tp, fp, fn), tp, fp, fn }));
  return out;
}

/** The F1-maximising threshold of one class. */
export interface BestF1 {
  /** Lowest threshold reaching the best F1 (score >= threshold predicts positive). */
  readonly threshold: number;
  readonly f1: number;
  /** Highest threshold reaching exactly the same F1 (the other tie-break). */
  readonly highestThresholdWithSameF1: number;
}

/** Best point of a scan: highest F1, ties to the lowest threshold. Throws RangeError on an empty scan. */
export function bestOfScan(scan: readonly ScanPoint[]): BestF1 {
  const tracker = new BestTracker();
  for (const pt of scan) tracker.add(pt.threshold, pt.f1);
  return tracker.result();
}

/** Best F1 over ascending thresholds: replace only on a strictly greater F1 (ties -> lowest threshold). */
class BestTracker {
  private best: BestF1 | undefined;
  add(threshold: number, f1: number): void {
    if (this.best === undefined || f1 > this.best.f1) this.best = { threshold, f1, highestThresholdWithSameF1: threshold };
    else if (f1 === this.best.f1) this.best = { ...this.best, highestThresholdWithSameF1: threshold };
  }
  result(): BestF1 {
    if (this.best === undefined) throw new RangeError("best F1: no rows to choose a threshold from");
    return this.best;
  }
}

/**
 * Best-F1 threshold of every class (needs at least one row). Same numbers as `bestOfScan(f1ThresholdScan(...))`,
 * without building the scan.
 */
export function bestF1PerClass(scores: Matrix, labels: Matrix): BestF1[] {
  return Array.from({ length: scores.cols }, (_, c) => {
    const tracker = new BestTracker();
    walkThresholds(scores, labels, c, (threshold, tp, fp, fn) => tracker.add(threshold, prf(tp, fp, fn).f1));
    return tracker.result();
  });
}
