/**
 * The catalog's only door into the analysis: everything it needs from the offline pipeline, the
 * model scorer and `analyze`'s pooling goes through this file, so a rename there touches one
 * place here. A track is analysed exactly as `timbrescope analyze FILE` does it (same stream,
 * same 1 s hop, whole-track RMS, batches of 8 windows, the same post stage for the segments), so
 * catalog results equal plain `analyze` output.
 */
import { poolFrames } from "../analyze/rows.js";
import type { FileAnalysis } from "../analyze/rows.js";
import { modelScorerSpec } from "../model/scorer-spec.js";
import type { MelScorer, ScorerSpec } from "../pipeline/mel-scorer.js";
import { TrackPool } from "./track-pool.js";
import type { TrackAnalysis, TrackFacts } from "./track-pool.js";

export type { TrackAnalysis, TrackFacts } from "./track-pool.js";
import { loadScorer } from "../pipeline/mel-scorer.js";
import { DEFAULT_POST_CONFIGS } from "../config/post-config.js";
import { analyzeFile } from "../pipeline/offline.js";
import { defaultWorkerCount } from "../pipeline/worker-pool.js";
import { CATALOG_ANALYSIS } from "./identity.js";
import { round6 } from "./result-file.js";
import type { ClassTag, ResultBody, SegmentRecord } from "./result-file.js";

/** Windows per scorer call: what `analyze` uses (its batches keep every thread busy to a file's end). */
const BATCH_WINDOWS = 8;

/** Default track threads: one per core, at most 4 (as `analyze --workers`). */
export function defaultScorerThreads(): number {
  return defaultWorkerCount();
}

/** Track threads holding the model (track-pool.ts), shared by every track in flight. */
export interface CatalogScorer {
  /** Threads (each analyses whole files with its own copy of the network). */
  readonly threads: number;
  /**
   * Analyses one file on a free thread (work is taken while the models load).
   * @throws InputFileError for unreadable or undecodable files; other errors are internal (see loadFailure)
   */
  analyze(path: string, facts: TrackFacts): Promise<TrackAnalysis>;
  /** Waits until the models have loaded or failed to; the load error (a UserError), or undefined. */
  loadFailure(): Promise<Error | undefined>;
  close(): Promise<void>;
}

/**
 * Starts `threads` track threads on the model in `modelDir` (ONNX Runtime for the CNN / MLP, one
 * intra-op thread each, as `analyze`). Returns at once; a model that cannot be loaded shows in
 * loadFailure() and fails the files in flight with that error.
 * @param spec a scorer to load instead of the model (tests)
 */
export function openCatalogScorer(modelDir: string, threads: number, spec?: ScorerSpec): CatalogScorer {
  const pool = TrackPool.start(spec ?? modelScorerSpec(modelDir, { backend: "auto", threads: 1 }), threads);
  return {
    threads,
    analyze: (path, facts) => pool.analyze(path, facts),
    loadFailure: () => pool.loadFailure(),
    close: () => pool.close(),
  };
}

/** Track-level tags and the class with the most active seconds, from a track-resolution analysis. */
function tagsOf(a: FileAnalysis): { tags: ClassTag[]; top: string | null } {
  const row = a.rows[0];
  const seconds = new Float64Array(a.classIds.length);
  for (const s of a.segments) seconds[s.column] = (seconds[s.column] as number) + (s.endSec - s.startSec);
  const tags = a.classIds.map((id, c) => ({
    class: id,
    score: round6(row === undefined ? 0 : (row.scores[c] as number)),
    active: row !== undefined && row.active[c] === 1,
    activeSec: round6(seconds[c] as number),
  }));
  let top: ClassTag | undefined;
  for (const t of tags)
    if (t.activeSec > 0 && (top === undefined || t.activeSec > top.activeSec || (t.activeSec === top.activeSec && t.score > top.score)))
      top = t;
  return { tags, top: top?.class ?? null };
}

/**
 * Analyses one file on the calling thread: per-window raw scores, track tags (max-pooled over the
 * track, thresholded like `analyze --resolution track`) and smoothed segments (the post stage,
 * like `analyze`'s). Track threads run this; `analyze` runs the same analyzeFile with the same
 * batches, so the scores are the same. A scorer still loading is awaited after the first pass.
 * @throws InputFileError for an unreadable or undecodable file
 */
export async function analyzeTrackWith(path: string, scorer: MelScorer | Promise<MelScorer>, facts: TrackFacts): Promise<TrackAnalysis> {
  const { session, frames } = await analyzeFile(path, scorer, {
    hopSec: CATALOG_ANALYSIS.hopSec,
    normalization: { kind: "track" },
    post: DEFAULT_POST_CONFIGS.analyze,
    batchSize: BATCH_WINDOWS,
  });
  const a = poolFrames(path, session, frames, "track", { segments: "post" });
  const nClasses = a.classIds.length;
  const scores = new Float32Array(frames.length * nClasses);
  frames.forEach((f, k) => scores.set(f.raw, k * nClasses));
  const segments: SegmentRecord[] = a.segments.map((s) => ({
    class: a.classIds[s.column] as string,
    start: round6(s.startSec),
    end: round6(s.endSec),
    peak: round6(s.peak),
  }));
  const body: ResultBody = {
    hash: facts.hash,
    bytes: facts.bytes,
    modelKey: facts.modelKey,
    modelId: session.modelId,
    inputRateHz: session.inputRateHz,
    durationSec: round6(a.durationSec),
    windows: frames.length,
    windowSec: session.windowSec,
    classes: a.classIds,
    thresholds: a.thresholds.map(round6),
    ...tagsOf(a),
    segments,
  };
  return { body, scores, audioSec: a.durationSec };
}

/**
 * The model on the calling thread, for the benchmark's per-stage timing (network alone, one
 * thread). Callers dispose it.
 */
export async function loadInProcessScorer(modelDir: string): Promise<MelScorer> {
  return loadScorer(modelScorerSpec(modelDir, { backend: "auto", threads: 1 }));
}
