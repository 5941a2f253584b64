/**
 * Per-class active segments, the basis of the label-track, region, MIDI and JAMS exports and of the
 * terminal table. Two sources:
 * - "post" (what `analyze` writes by default): the active flags the pipeline's post stage
 *   (src/pipeline/post-stage.ts, the one `live` runs: attack/release smoothing, hysteresis around the
 *   thresholds, minimum hold) put on each window's frame, on the frames' sample clock;
 * - "raw" (`--raw-segments`): runs of rows whose pooled raw score reaches the threshold.
 */
import type { Frame } from "../frame.js";
import type { AnalysisRow } from "./analysis-row.js";

/** Where segments come from: the post stage's flags on the frames, or the thresholded rows. */
export type SegmentSource = "post" | "raw";

/** One stretch of time during which a class is active. */
export interface Segment {
  /** Column (class) index in the analysis' label order. */
  readonly column: number;
  /** Start, seconds (the first active row's start). */
  readonly startSec: number;
  /** End (exclusive), seconds (the last active row's end). */
  readonly endSec: number;
  /** Highest raw score inside the segment (pooled rows for "raw", windows for "post"), [0, 1]. */
  readonly peak: number;
}

/**
 * Merges runs of active rows per class. Rows are in time order; two active rows are one run when
 * they are adjacent in the list (a gap in time between them does not split the run only if the
 * rows touch or overlap: a row starting after the previous row's end starts a new segment).
 * Segments are sorted by start, then column.
 */
export function activeSegments(rows: readonly AnalysisRow[], nColumns: number): Segment[] {
  const out: Segment[] = [];
  for (let c = 0; c < nColumns; c++) {
    let open: { startSec: number; endSec: number; peak: number } | undefined;
    for (const row of rows) {
      const on = row.active[c] === 1;
      if (on && open !== undefined && row.startSec <= open.endSec + 1e-9) {
        open.endSec = Math.max(open.endSec, row.endSec);
        open.peak = Math.max(open.peak, row.scores[c] as number);
        continue;
      }
      if (open !== undefined) out.push({ column: c, ...open });
      open = on ? { startSec: row.startSec, endSec: row.endSec, peak: row.scores[c] as number } : undefined;
    }
    if (open !== undefined) out.push({ column: c, ...open });
  }
  return out.sort((a, b) => a.startSec - b.startSec || a.column - b.column);
}

/** Total active time per column, seconds (segments of one column never overlap). */
export function activeSeconds(segments: readonly Segment[], nColumns: number): Float64Array {
  const total = new Float64Array(nColumns);
  for (const s of segments) total[s.column] = (total[s.column] as number) + (s.endSec - s.startSec);
  return total;
}

/**
 * Segments from the post stage's active flags on `frames` (one lane, in window order; flags and
 * raw scores of session column `columns[j]` give analysis column j). Frame k's flag stands for the
 * stretch between the midpoints of its window's centre and its neighbours' centres, the first from
 * its window's start and the last to its window's end: at a hop of `windowSec` that is the window
 * itself, and overlapping windows tile the file without overlap. Times come from each frame's
 * sample clock (startSample / sampleRateHz). Segments are sorted by start, then column.
 * @param windowSec window length, seconds (1 for the paper's windows)
 */
export function postSegments(frames: readonly Frame[], windowSec: number, columns: readonly number[]): Segment[] {
  const start = frames.map((f) => f.startSample / f.sampleRateHz);
  const n = frames.length;
  // Cell k: [edge[k], edge[k + 1]); inner edges are midpoints between consecutive window centres.
  const edge = Float64Array.from({ length: n + 1 }, (_, k) =>
    k === 0
      ? (start[0] ?? 0)
      : k === n
        ? (start[n - 1] as number) + windowSec
        : ((start[k - 1] as number) + (start[k] as number) + windowSec) / 2,
  );
  const out: Segment[] = [];
  columns.forEach((c, column) => {
    let open: { startSec: number; endSec: number; peak: number } | undefined;
    frames.forEach((f, k) => {
      const score = f.raw[c] as number;
      if (f.active[c] !== 1) {
        if (open !== undefined) out.push({ column, ...open });
        open = undefined;
      } else if (open === undefined) open = { startSec: edge[k] as number, endSec: edge[k + 1] as number, peak: score };
      else {
        open.endSec = edge[k + 1] as number;
        open.peak = Math.max(open.peak, score);
      }
    });
    if (open !== undefined) out.push({ column, ...open });
  });
  return out.sort((a, b) => a.startSec - b.startSec || a.column - b.column);
}
