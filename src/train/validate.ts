/**
 * Validation (and test scoring): run the network over every window of a store in order, then the
 * paper's metrics (computeReport) and the per-class best-F1 thresholds (§5: "the best thresholds
 * for each class ... selecting the threshold giving the best f-measure in the validation set").
 */
import { computeReport, DEFAULT_THRESHOLD } from "../evaluate/metrics.js";
import type { MetricsReport } from "../evaluate/metrics.js";
import type { ValidationSummary } from "../model/manifest.js";
import { matrix } from "../post/aggregate.js";
import type { WindowStore } from "./window-store.js";
import { definedFields } from "../defined-fields.js";

/** Scores of every window of a store, rows in entry order (each track's rows contiguous). */
export interface ScoredWindows {
  /** rows x cols sigmoid scores. */
  readonly scores: Float32Array;
  /** rows x cols 0/1 labels. */
  readonly labels: Uint8Array;
  /** Track index of every row. */
  readonly trackIds: Int32Array;
  readonly rows: number;
  readonly cols: number;
}

/** Scores every window of `store` with `predict` (n windows -> n x cols), `batchSize` at a time. */
export async function scoreStore(
  store: WindowStore,
  predict: (x: Float32Array, n: number) => Float32Array | Promise<Float32Array>,
  batchSize = 64,
): Promise<ScoredWindows> {
  const cols = store.shape.nClasses;
  const rows = store.totalWindows;
  const scores = new Float32Array(rows * cols);
  const labels = new Uint8Array(rows * cols);
  const trackIds = new Int32Array(rows);
  let row = 0;
  await store.forEachBatch(batchSize, async (x, y, n, tracks) => {
    scores.set((await predict(x, n)).subarray(0, n * cols), row * cols);
    for (let i = 0; i < n * cols; i++) labels[row * cols + i] = y[i] as number;
    trackIds.set(tracks.subarray(0, n), row);
    row += n;
  });
  return { scores, labels, trackIds, rows, cols };
}

/** Mean binary cross-entropy of scores vs labels, probabilities clipped to [1e-7, 1 - 1e-7] (Keras). */
export function bceFromScores(s: ScoredWindows): number {
  const eps = 1e-7;
  let sum = 0;
  for (let i = 0; i < s.rows * s.cols; i++) {
    const p = Math.min(1 - eps, Math.max(eps, s.scores[i] as number));
    sum -= (s.labels[i] as number) === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return s.rows === 0 ? 0 : sum / (s.rows * s.cols);
}

/** The metrics report of scored windows at 1 s resolution (optionally with thresholds). */
export function reportOf(s: ScoredWindows, thresholds?: readonly number[]): MetricsReport {
  const input = { scores: matrix(s.scores, s.rows, s.cols), labels: matrix(s.labels, s.rows, s.cols), trackIds: s.trackIds };
  return computeReport(input, definedFields({ thresholds }));
}

/**
 * Per-class decision thresholds: the best-F1 threshold on validation. A class without positive
 * validation windows (its F1 is 0 at every threshold, and the scan would pick "everything
 * positive") keeps DEFAULT_THRESHOLD (0.5).
 */
export function tuneThresholds(report: MetricsReport): number[] {
  return report.bestF1.map((b, c) => ((report.prf.support[c] ?? 0) > 0 && b.f1 > 0 ? b.threshold : DEFAULT_THRESHOLD));
}

/**
 * What a model folder records from its validation scores: the metrics report, the tuned
 * thresholds and the manifest's validation summary for `epoch` (the epoch whose weights scored).
 */
export function validationResult(
  scored: ScoredWindows,
  epoch: number,
): { report: MetricsReport; thresholds: number[]; validation: ValidationSummary } {
  const report = reportOf(scored);
  const validation: ValidationSummary = {
    epoch,
    meanAuc: report.meanAuc,
    lrapMicro: report.lrapMicro,
    lrapMacro: report.lrapMacro,
    aucPerClass: report.aucPerClass,
    bestF1: report.bestF1.map((b) => b.f1),
    loss: bceFromScores(scored),
  };
  return { report, thresholds: tuneThresholds(report), validation };
}

/**
 * Several scored sets as one (rows one after another; track ids shifted so that tracks of
 * different sets stay apart), e.g. to tune thresholds on a phase's split and val-plain together.
 * @throws RangeError when the sets have different numbers of columns
 */
export function concatScored(sets: readonly ScoredWindows[]): ScoredWindows {
  const cols = sets[0]?.cols ?? 0;
  if (sets.some((s) => s.cols !== cols)) throw new RangeError(`concatScored: column counts differ (${sets.map((s) => s.cols).join(", ")})`);
  const rows = sets.reduce((n, s) => n + s.rows, 0);
  const scores = new Float32Array(rows * cols);
  const labels = new Uint8Array(rows * cols);
  const trackIds = new Int32Array(rows);
  let row = 0;
  let trackBase = 0;
  for (const s of sets) {
    scores.set(s.scores, row * cols);
    labels.set(s.labels, row * cols);
    let maxTrack = -1;
    for (let r = 0; r < s.rows; r++) {
      const t = s.trackIds[r] as number;
      trackIds[row + r] = trackBase + t;
      maxTrack = Math.max(maxTrack, t);
    }
    row += s.rows;
    trackBase += maxTrack + 1;
  }
  return { scores, labels, trackIds, rows, cols };
}
