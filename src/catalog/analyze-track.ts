/**
 * The catalog's only door into the analysis: everything it needs from the offline pipeline, the
 * scorer threads and `analyze`'s pooling goes through this file, so a rename there touches one
 * place here. A track is analysed exactly as `timbrescope analyze FILE` does it (same stream,
 * same 1 s hop, whole-track RMS, batches of 8 windows, the same post stage for the segments), so
 * catalog results equal plain `analyze` output.
 */
import { poolFrames } from "../analyze/rows.js";
import type { FileAnalysis } from "../analyze/rows.js";
import { findClass } from "../data/classes.js";
import { modelScorerSpec } from "../model/scorer-spec.js";
import type { MelScorer, ScorerSpec } from "../pipeline/mel-scorer.js";
import { loadScorer } from "../pipeline/mel-scorer.js";
import { DEFAULT_POST_CONFIGS } from "../config/post-config.js";
import { analyzeFile } from "../pipeline/offline.js";
import { defaultWorkerCount, WorkerPool } from "../pipeline/worker-pool.js";
import { CATALOG_ANALYSIS } from "./identity.js";
import { round6 } from "./result-file.js";
import type { ClassTag, ResultBody, SegmentRecord } from "./result-file.js";

/** Windows per scorer call: what `analyze` uses (its batches keep every thread busy to a file's end). */
const BATCH_WINDOWS = 8;

/** Default scorer threads: one per core, at most 4 (as `analyze --workers`). */
export function defaultScorerThreads(): number {
  return defaultWorkerCount();
}

/** Scorer threads holding the model, shared by every track in flight. */
export interface CatalogScorer {
  /** The model's id as the scorer reports it. */
  readonly modelId: string;
  /** Class ids in output order. */
  readonly classIds: readonly string[];
  /** Threads (each runs the mel front-end and its own copy of the network). */
  readonly threads: number;
  /** @internal the pool analyzeFile scores on */
  readonly pool: WorkerPool;
  close(): Promise<void>;
}

/**
 * Starts `threads` scorer threads on the model in `modelDir` (ONNX Runtime for the CNN / MLP, one
 * intra-op thread each, as `analyze`).
 * @param spec a scorer to load instead of the model (tests)
 * @throws UserError when the model cannot be loaded
 */
export async function openCatalogScorer(modelDir: string, threads: number, spec?: ScorerSpec): Promise<CatalogScorer> {
  const pool = await WorkerPool.start(spec ?? modelScorerSpec(modelDir, { backend: "auto" }), threads);
  return {
    modelId: pool.modelId,
    threads,
    pool,
    classIds: pool.labels.map((l) => findClass(l)?.id ?? l),
    close: () => pool.close(),
  };
}

/** Facts about the file that the analysis does not find out itself. */
export interface TrackFacts {
  /** SHA-256 of the file's bytes. */
  readonly hash: string;
  /** Size, bytes. */
  readonly bytes: number;
  readonly modelKey: string;
}

/** A finished analysis: the result's JSON body and the per-window scores. */
export interface TrackAnalysis {
  readonly body: ResultBody;
  /** windows x classes raw scores, row-major. */
  readonly scores: Float32Array;
  /** Audio analysed, seconds. */
  readonly audioSec: number;
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
 * Analyses one file: per-window raw scores, track tags (max-pooled over the track, thresholded
 * like `analyze --resolution track`) and smoothed segments (the post stage, like `analyze`'s).
 * @throws InputFileError for an unreadable or undecodable file
 */
export async function analyzeTrack(path: string, scorer: CatalogScorer, facts: TrackFacts): Promise<TrackAnalysis> {
  const { session, frames } = await analyzeFile(path, scorer.pool, {
    hopSec: CATALOG_ANALYSIS.hopSec,
    normalization: { kind: "track" },
    post: DEFAULT_POST_CONFIGS.analyze,
    batchSize: BATCH_WINDOWS,
    inFlight: 2 * scorer.threads,
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
