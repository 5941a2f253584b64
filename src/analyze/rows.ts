/**
 * Turns an offline run's frames into analysis rows at a time resolution (Gururani et al. 2018, §3.3):
 * the scores of the windows whose start falls in the same `resolution`-second bucket are max-pooled
 * per class (via post/aggregate's maxPool), and a class is active in a row when its pooled raw score
 * reaches the model's threshold. "track" pools every window of the file into one row (tagging);
 * "window" pools nothing: one row per analysed window, [start, start + 1 s), overlapping when the
 * hop is under 1 s (the frames live and `--record` produce, for comparisons). The segments come
 * from the post stage's flags on the windows (default) or from the rows (see segments.ts).
 */
import type { Frame, SessionInfo } from "../frame.js";
import { matrix, maxPool, parseResolution } from "../post/aggregate.js";
import type { Resolution } from "../post/aggregate.js";
import type { AnalysisRow } from "./analysis-row.js";
import { activeSegments, postSegments } from "./segments.js";
import type { Segment, SegmentSource } from "./segments.js";

/** `analyze --resolution`: the paper's resolutions, or every window as it is. */
export type AnalyzeResolution = Resolution | "window";

/** Parses `--resolution` (1, 5, 10, track or window); undefined if it is none of them. */
export function parseAnalyzeResolution(text: string): AnalyzeResolution | undefined {
  return text.trim().toLowerCase() === "window" ? "window" : parseResolution(text);
}

/** Everything the formatters need about one analysed file. */
export interface FileAnalysis {
  /** The file as given on the command line. */
  readonly file: string;
  readonly modelId: string;
  /** Class labels (MedleyDB taxonomy strings) in column order. */
  readonly labels: readonly string[];
  /** Short class ids (CSV headers, MIDI track names) in column order. */
  readonly classIds: readonly string[];
  readonly thresholds: readonly number[];
  readonly resolution: AnalyzeResolution;
  readonly hopSec: number;
  /** End of the last whole window, seconds (0 when the file is shorter than one window). */
  readonly durationSec: number;
  readonly rows: readonly AnalysisRow[];
  /** What the segment outputs (table, DAW, MIDI, JAMS, JSON `segments`) show; see segmentSource. */
  readonly segments: readonly Segment[];
  /** "post": the post stage's flags on every window, whatever the resolution; "raw": runs of active rows. */
  readonly segmentSource: SegmentSource;
}

/** Selection of classes (column indices into the session's labels). Default: all. */
export interface PoolOptions {
  readonly columns?: readonly number[];
  /**
   * Source of `segments`. Default "raw": poolFrames alone only pools and thresholds scores; `analyze`
   * asks for "post" unless --raw-segments is given.
   */
  readonly segments?: SegmentSource;
}

/**
 * Pools `frames` (one lane, in window order) to `resolution` and applies the thresholds.
 * Times come from each frame's sample clock (startSample / sampleRateHz). With `segments: "post"`
 * the frames' own active flags (set by the pipeline's PostStage) give the segments.
 */
export function poolFrames(
  file: string,
  session: SessionInfo,
  frames: readonly Frame[],
  resolution: AnalyzeResolution,
  opts: PoolOptions = {},
): FileAnalysis {
  const columns = opts.columns ?? session.labels.map((_, i) => i);
  const cols = columns.length;
  const starts = frames.map((f) => f.startSample / f.sampleRateHz);
  const durationSec = frames.length === 0 ? 0 : (starts[starts.length - 1] as number) + session.windowSec;
  const data = new Float64Array(frames.length * cols);
  frames.forEach((f, r) => columns.forEach((c, j) => (data[r * cols + j] = f.raw[c] as number)));
  // Bucket id per window; maxPool's "track" mode then gives one row per bucket.
  const bucketOf = (s: number, k: number): number =>
    resolution === "window" ? k : resolution === "track" ? 0 : Math.floor(s / resolution + 1e-9);
  const buckets = Int32Array.from(starts, bucketOf);
  const pooled = maxPool(matrix(data, frames.length, cols), buckets, "track");
  const thresholds = columns.map((c) => session.thresholds[c] as number);
  const rows: AnalysisRow[] = [];
  for (let k = 0; k < pooled.matrix.rows; k++) {
    const b = pooled.trackIds[k] as number;
    const scores = Float64Array.from(pooled.matrix.data.subarray(k * cols, (k + 1) * cols));
    const active = Uint8Array.from(scores, (v, j) => (v >= (thresholds[j] as number) ? 1 : 0));
    const startSec = resolution === "window" ? (starts[b] as number) : resolution === "track" ? (starts[0] as number) : b * resolution;
    const endSec =
      resolution === "window"
        ? startSec + session.windowSec
        : resolution === "track"
          ? durationSec
          : Math.min((b + 1) * resolution, durationSec);
    rows.push({ startSec, endSec, scores, active });
  }
  const segmentSource = opts.segments ?? "raw";
  const segments = segmentSource === "post" ? postSegments(frames, session.windowSec, columns) : activeSegments(rows, cols);
  return {
    file,
    modelId: session.modelId,
    resolution,
    hopSec: session.hopSec,
    durationSec,
    rows,
    thresholds,
    segments,
    segmentSource,
    labels: columns.map((c) => session.labels[c] as string),
    classIds: columns.map((c) => session.classIds[c] as string),
  };
}
