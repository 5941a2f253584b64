/**
 * Temporal aggregation (Gururani et al. 2018, §3.3): the networks score every 1 s window; coarser
 * time resolutions max-pool the scores AND the ground truth over non-overlapping groups of
 * consecutive windows of the same track. "5 s" takes the maximum of 5 consecutive 1 s predictions per
 * class; "track" takes one maximum per track. Max-pooling 0/1 labels keeps them 0/1 ("the instrument
 * is active somewhere in the segment").
 *
 * Also home of the small row-major `Matrix` type the evaluation code shares.
 */

/** Element storage accepted for matrices (scores are usually float32/float64, labels 0/1). */
export type MatrixData = Float64Array | Float32Array | Int32Array | Uint8Array;

/** A row-major matrix: element (r, c) is `data[r * cols + c]`. Rows are 1 s windows, columns classes. */
export interface Matrix {
  readonly data: MatrixData;
  /** Number of rows N (windows or pooled segments). */
  readonly rows: number;
  /** Number of columns C (classes). */
  readonly cols: number;
}

/** Time resolution in seconds of 1 s windows per group, or one group per track. */
export type Resolution = 1 | 5 | 10 | "track";

/** The resolutions the paper evaluates (Table 3, Figure 2). */
export const RESOLUTIONS: readonly Resolution[] = [1, 5, 10, "track"];

/** Wraps `data` as a `rows` x `cols` matrix, checking the length. */
export function matrix(data: MatrixData, rows: number, cols: number): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`matrix: expected non-negative integer shape, got [${rows}, ${cols}]`);
  }
  if (data.length !== rows * cols) {
    throw new RangeError(`matrix: shape [${rows}, ${cols}] needs ${rows * cols} values, got ${data.length}`);
  }
  return { data, rows, cols };
}

/** Parses a CLI/config resolution (`"1"`, `"5"`, `"10"`, `"track"`); returns undefined if it is none of them. */
export function parseResolution(text: string): Resolution | undefined {
  const t = text.trim().toLowerCase();
  if (t === "track") return "track";
  if (t === "1" || t === "5" || t === "10") return Number(t) as 1 | 5 | 10;
  return undefined;
}

/** A contiguous run of rows `[start, end)` belonging to one track. */
export interface TrackSpan {
  readonly trackId: number;
  readonly start: number;
  readonly end: number;
}

/** Where a track id reappears after another track's rows (rows of a track must be contiguous). */
export interface TrackBreak {
  readonly trackId: number;
  /** Row at which the id reappears. */
  readonly row: number;
  /** Row where the id's first run ended. */
  readonly firstRunEnd: number;
}

/** Splits `trackIds` into runs of equal consecutive ids, in row order. */
export function trackSpans(trackIds: ArrayLike<number>): TrackSpan[] {
  const spans: TrackSpan[] = [];
  let start = 0;
  for (let r = 1; r <= trackIds.length; r++) {
    if (r === trackIds.length || trackIds[r] !== trackIds[r - 1]) {
      spans.push({ trackId: trackIds[start] as number, start, end: r });
      start = r;
    }
  }
  return spans;
}

/** Returns the first place where a track id reappears after a different track, or undefined if all runs are contiguous. */
export function findTrackBreak(trackIds: ArrayLike<number>): TrackBreak | undefined {
  const endOfRun = new Map<number, number>();
  for (const span of trackSpans(trackIds)) {
    const prevEnd = endOfRun.get(span.trackId);
    if (prevEnd !== undefined) return { trackId: span.trackId, row: span.start, firstRunEnd: prevEnd };
    endOfRun.set(span.trackId, span.end);
  }
  return undefined;
}

/** Checked contiguous spans; throws a RangeError naming the first break. */
export function contiguousTrackSpans(trackIds: ArrayLike<number>): TrackSpan[] {
  const brk = findTrackBreak(trackIds);
  if (brk !== undefined) {
    throw new RangeError(
      `track id ${brk.trackId} reappears at row ${brk.row} after its rows ended at row ${brk.firstRunEnd} (rows of a track must be contiguous)`,
    );
  }
  return trackSpans(trackIds);
}

/** Scores, labels and track ids after pooling; row k of each belongs together. */
export interface Aggregated {
  readonly scores: Matrix;
  readonly labels: Matrix;
  /** Track id of every pooled row (contiguous per track, in input order). */
  readonly trackIds: Int32Array;
}

/**
 * Max-pools `m` within each track over consecutive non-overlapping groups of `resolution` rows
 * (the last, shorter group of a track is kept), or one group per track for `"track"`.
 * Output data is Float64Array. Throws RangeError on length mismatch or non-contiguous tracks.
 */
export function maxPool(m: Matrix, trackIds: ArrayLike<number>, resolution: Resolution): { matrix: Matrix; trackIds: Int32Array } {
  if (trackIds.length !== m.rows) throw new RangeError(`maxPool: ${trackIds.length} track ids for ${m.rows} rows`);
  if (resolution !== "track" && !(Number.isInteger(resolution) && resolution > 0)) {
    throw new RangeError(`maxPool: expected a resolution of 1|5|10|"track", got ${String(resolution)}`);
  }
  const spans = contiguousTrackSpans(trackIds);
  const groups: Array<[start: number, end: number, trackId: number]> = [];
  for (const s of spans) {
    const size = resolution === "track" ? s.end - s.start : resolution;
    for (let g = s.start; g < s.end; g += size) groups.push([g, Math.min(g + size, s.end), s.trackId]);
  }
  const cols = m.cols;
  const out = new Float64Array(groups.length * cols);
  const ids = new Int32Array(groups.length);
  groups.forEach(([start, end, trackId], k) => {
    ids[k] = trackId;
    for (let c = 0; c < cols; c++) {
      let best = -Infinity;
      for (let r = start; r < end; r++) {
        const v = m.data[r * cols + c] as number;
        // NaN propagates (as numpy's max does) rather than being silently skipped.
        if (v > best || Number.isNaN(v)) best = v;
        if (Number.isNaN(best)) break;
      }
      out[k * cols + c] = best;
    }
  });
  return { matrix: matrix(out, groups.length, cols), trackIds: ids };
}

/**
 * Aggregates scores and labels to `resolution` (paper §3.3). `trackIds` defaults to one track
 * holding every row. Scores and labels must have the same shape.
 */
export function aggregate(input: { scores: Matrix; labels: Matrix; trackIds?: ArrayLike<number> }, resolution: Resolution): Aggregated {
  const { scores, labels } = input;
  if (scores.rows !== labels.rows || scores.cols !== labels.cols) {
    throw new RangeError(`aggregate: scores are [${scores.rows}, ${scores.cols}] but labels are [${labels.rows}, ${labels.cols}]`);
  }
  const ids = input.trackIds ?? new Int32Array(scores.rows);
  const pooledScores = maxPool(scores, ids, resolution);
  const pooledLabels = maxPool(labels, ids, resolution);
  return { scores: pooledScores.matrix, labels: pooledLabels.matrix, trackIds: pooledScores.trackIds };
}
