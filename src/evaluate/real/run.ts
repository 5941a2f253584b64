/**
 * Runs a model over the real-music development set: checks the packages, builds each recording,
 * scores it with `analyze`'s offline path (src/pipeline/offline.ts: 1 s non-overlapping windows,
 * whole-recording RMS, scorer threads holding the model) and computes the figures (metrics.ts).
 * Recordings are built and scored one at a time, so memory holds one recording's audio.
 */
import { findClass, N_CLASSES } from "../../data/classes.js";
import { UserError } from "../../errors.js";
import { rms } from "../../features/normalize.js";
import { DEFAULT_MEL_PARAMS } from "../../features/params.js";
import { modelScorerSpec } from "../../model/scorer-spec.js";
import type { InferenceRequest } from "../../model/scorer-spec.js";
import { analyzeChunks } from "../../pipeline/offline.js";
import type { SampleScorer } from "../../pipeline/sample-scorer.js";
import { WorkerPool } from "../../pipeline/worker-pool.js";
import type { ProgressFactory } from "../../progress.js";
import { planDevSet } from "./build.js";
import { knownWindows } from "./labels.js";
import { evaluateReal } from "./metrics.js";
import type { RealFigures } from "./metrics.js";
import { DEBIAN_ROOTS, ensurePackages } from "./packages.js";
import type { InstallDeps, SourceId, SourceRoots } from "./packages.js";

/** Options of {@link runRealEval}. */
export interface RealEvalOptions {
  readonly modelDir: string;
  /** Which parts of the set to use. */
  readonly sources: readonly SourceId[];
  /** Scorer threads (each holds a copy of the model). */
  readonly workers: number;
  /** Inference engine. Default "auto". */
  readonly backend?: InferenceRequest;
  /** Where the packages' audio is. Default DEBIAN_ROOTS. */
  readonly roots?: SourceRoots;
  /** Package installation seams (tests). */
  readonly install?: InstallDeps;
  /** Progress over recordings (the CLI's bar). */
  readonly progress?: ProgressFactory;
}

/** One recording as it entered the figures. */
export interface RecordingSummary {
  readonly id: string;
  readonly source: SourceId;
  readonly package: string;
  /** Whole seconds scored. */
  readonly seconds: number;
  /** Of those, seconds with at least one known label. */
  readonly labelledSeconds: number;
}

/** What a run produces. */
export interface RealEvalResult {
  readonly modelId: string;
  readonly modelDir: string;
  readonly recordings: readonly RecordingSummary[];
  readonly figures: RealFigures;
  /** Wall time of the whole run, seconds. */
  readonly elapsedSec: number;
}

/** Column of each CLASSES index in the model's output (labels must name the 18 classes). */
export function classColumns(labels: readonly string[]): number[] {
  const cols = new Array<number>(N_CLASSES).fill(-1);
  labels.forEach((l, j) => {
    const c = findClass(l);
    if (c !== undefined) cols[c.index] = j;
  });
  const missing = cols.findIndex((j) => j < 0);
  if (missing >= 0)
    throw new UserError(
      `the model's labels (${labels.join(", ")}) do not cover all 18 classes; the development set scores only 18-class models`,
    );
  return cols;
}

/**
 * Scores a recording's whole 1 s windows (mono at the analysis rate), as `analyze` does; rows x
 * model labels, model order. Also scripts/real-negatives-fp.ts's scoring.
 */
export async function scoreWholeSeconds(samples: Float32Array, name: string, pool: SampleScorer, workers: number): Promise<Float32Array[]> {
  const { frames } = await analyzeChunks([samples], pool, {
    hopSec: 1,
    normalization: { kind: "track" },
    trackRms: rms(samples),
    batchSize: 8,
    inFlight: 2 * workers,
    name,
    totalSamples: samples.length,
  });
  return frames.map((f) => f.raw);
}

/**
 * Builds the set for `opts.sources`, scores it with the model in `opts.modelDir` and returns the figures.
 * @throws UserError for missing packages (as ensurePackages) or an unusable model
 */
export async function runRealEval(opts: RealEvalOptions): Promise<RealEvalResult> {
  const t0 = performance.now();
  const roots = opts.roots ?? DEBIAN_ROOTS;
  ensurePackages(opts.sources, roots, opts.install);
  const plans = planDevSet(opts.sources, roots);
  const pool = await WorkerPool.start(modelScorerSpec(opts.modelDir, { backend: opts.backend ?? "auto" }), opts.workers);
  const progress = opts.progress?.("eval-real", plans.length, "recordings");
  const scores: number[] = [];
  const labels: number[] = [];
  const electricGuitar: number[] = [];
  const sources: SourceId[] = [];
  const recordingOfRow: string[] = [];
  const recordings: RecordingSummary[] = [];
  let audioSec = 0;
  try {
    const cols = classColumns(pool.labels);
    for (const plan of plans) {
      const rec = await plan.build();
      const raw = await scoreWholeSeconds(rec.samples, rec.id, pool, pool.size);
      const n = Math.min(raw.length, rec.labels.nWindows);
      for (let w = 0; w < n; w++) {
        const row = raw[w] as Float32Array;
        for (let c = 0; c < N_CLASSES; c++) scores.push(row[cols[c] as number] as number);
        for (let c = 0; c < N_CLASSES; c++) labels.push(rec.labels.classes[w * N_CLASSES + c] as number);
        electricGuitar.push(rec.labels.electricGuitar[w] as number);
        sources.push(rec.source);
        recordingOfRow.push(rec.id);
      }
      const labelled = knownWindows({ ...rec.labels, nWindows: n });
      recordings.push({ id: rec.id, source: rec.source, package: rec.package, seconds: n, labelledSeconds: labelled });
      audioSec += rec.samples.length / DEFAULT_MEL_PARAMS.sampleRateHz;
      progress?.tick(1, rec.id);
    }
    const thresholds = cols.map((j) => pool.thresholds[j] as number);
    const figures = evaluateReal(
      {
        rows: sources.length,
        scores: Float32Array.from(scores),
        labels: Int8Array.from(labels),
        electricGuitar: Int8Array.from(electricGuitar),
        sources,
        recordings: recordingOfRow,
      },
      thresholds,
    );
    const elapsedSec = (performance.now() - t0) / 1000;
    progress?.done(`scored ${recordings.length} recordings, ${audioSec.toFixed(0)} s of audio, in ${elapsedSec.toFixed(1)} s`);
    return { modelId: pool.modelId, modelDir: opts.modelDir, recordings, figures, elapsedSec };
  } finally {
    await pool.close();
  }
}
