/**
 * The row type that rows.ts produces and segments.ts reads, in a module of its own so that neither
 * of the two imports the other back.
 */

/** One pooled row: a time span with a score and an active flag per class. */
export interface AnalysisRow {
  /** Row start, seconds from the start of the file. */
  readonly startSec: number;
  /** Row end (exclusive), seconds; never past the last window's end. */
  readonly endSec: number;
  /** Max-pooled raw scores, one per class in `labels` order. */
  readonly scores: Float64Array;
  /** 1 where scores[c] >= thresholds[c]. */
  readonly active: Uint8Array;
}
