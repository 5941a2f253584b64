/**
 * Every evaluation figure of Gururani et al. 2018 in one call: temporal aggregation (§3.3), LRAP
 * micro/macro (§4.3.1), per-class and mean ROC-AUC (§4.3.2), P/R/F1 and best-F1 thresholds (§5) and
 * the FP-vs-FN confusion matrix (§4.4). Pure: no I/O.
 */
import type { Matrix, Resolution } from "../post/aggregate.js";
import { aggregate } from "../post/aggregate.js";
import { meanAuc, rocAucPerClass } from "./auc.js";
import { fpFnConfusion } from "./confusion.js";
import type { FpFnConfusion } from "./confusion.js";
import { lrapMacroFromTerms, lrapPerSample } from "./lrap.js";
import { bestF1PerClass, binarize, f1ThresholdScan, precisionRecallF1 } from "./prf.js";
import type { BestF1, PrfReport, ScanPoint } from "./prf.js";

/** Threshold used for P/R/F1 and the confusion matrix when none are given. */
export const DEFAULT_THRESHOLD = 0.5;

/** Inputs: 1 s window scores and 0/1 labels, both [N, C], and optional track ids [N]. */
export interface MetricsInput {
  readonly scores: Matrix;
  readonly labels: Matrix;
  /** Track of every row, each track's rows contiguous. Default: all rows are one track. */
  readonly trackIds?: ArrayLike<number>;
}

/** Options of `computeReport`. */
export interface ReportOptions {
  /** Aggregation before every metric. Default 1 (no pooling). */
  readonly resolution?: Resolution;
  /** Per-class thresholds (length C) for P/R/F1 and the confusion matrix. Default 0.5 for all. */
  readonly thresholds?: ArrayLike<number>;
  /** Include the full per-class F1 threshold scan (one point per unique score). Default false. */
  readonly includeScan?: boolean;
}

/** All figures, computed on the aggregated rows. */
export interface MetricsReport {
  readonly resolution: Resolution;
  /** Rows after aggregation. */
  readonly rows: number;
  /** Tracks in the input. */
  readonly tracks: number;
  readonly lrapMicro: number;
  readonly lrapMacro: number;
  /** LRAP term of every aggregated row. */
  readonly lrapPerSample: Float64Array;
  /** Null where a class has only one label value after aggregation. */
  readonly aucPerClass: Array<number | null>;
  /** Mean over defined classes; null when none is defined. */
  readonly meanAuc: number | null;
  readonly nDefinedClasses: number;
  readonly bestF1: BestF1[];
  /** The thresholds P/R/F1 and the confusion matrix used. */
  readonly thresholds: number[];
  readonly prf: PrfReport;
  readonly confusion: FpFnConfusion;
  /** Present when `includeScan` was set. */
  readonly f1Scan?: ScanPoint[][];
}

/** Aggregates to `options.resolution`, then computes every metric. Throws RangeError on bad shapes or no rows. */
export function computeReport(input: MetricsInput, options: ReportOptions = {}): MetricsReport {
  const resolution = options.resolution ?? 1;
  const cols = input.scores.cols;
  const thresholds = options.thresholds === undefined ? new Array<number>(cols).fill(DEFAULT_THRESHOLD) : Array.from(options.thresholds);
  if (thresholds.length !== cols) throw new RangeError(`computeReport: ${thresholds.length} thresholds for ${cols} classes`);
  if (input.scores.rows === 0) throw new RangeError("computeReport: no rows to evaluate");
  const agg = aggregate(input, resolution);
  const perSample = lrapPerSample(agg.scores, agg.labels);
  let lrapSum = 0;
  for (const v of perSample) lrapSum += v;
  const aucPerClass = rocAucPerClass(agg.scores, agg.labels);
  const auc = meanAuc(aucPerClass);
  const predictions = binarize(agg.scores, thresholds);
  const report: MetricsReport = {
    resolution,
    rows: agg.scores.rows,
    tracks: countTracks(agg.trackIds),
    lrapMicro: lrapSum / perSample.length,
    lrapMacro: lrapMacroFromTerms(perSample, agg.trackIds),
    lrapPerSample: perSample,
    aucPerClass,
    meanAuc: auc.mean,
    nDefinedClasses: auc.nDefined,
    bestF1: bestF1PerClass(agg.scores, agg.labels),
    thresholds,
    prf: precisionRecallF1(agg.labels, predictions),
    confusion: fpFnConfusion(agg.labels, predictions),
  };
  if (options.includeScan !== true) return report;
  return { ...report, f1Scan: Array.from({ length: cols }, (_, c) => f1ThresholdScan(agg.scores, agg.labels, c)) };
}

function countTracks(trackIds: Int32Array): number {
  let n = trackIds.length > 0 ? 1 : 0;
  for (let r = 1; r < trackIds.length; r++) if (trackIds[r] !== trackIds[r - 1]) n++;
  return n;
}
