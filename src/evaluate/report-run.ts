/**
 * What `timbrescope evaluate` does: score a split of a dataset with one or more models (or read
 * saved activations), compute the report (report-data.ts) and write report.json, report.html and
 * the raw scores (.npy, readable by `timbrescope metrics`).
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { definedFields } from "../defined-fields.js";
import { UserError } from "../errors.js";
import { readNpy, writeNpy } from "../io/npy.js";
import { log } from "../log.js";
import type { ProgressFactory } from "../progress.js";
import { availableParallelism } from "node:os";
import { readManifest, TRAIN_FILES } from "../model/model-files.js";
import type { ModelManifest } from "../model/manifest.js";
import type { InferenceRequest } from "../model/scorer-spec.js";
import { createScorer } from "../model/scorer.js";
import type { MelScorer } from "../pipeline/mel-scorer.js";
import { buildStore, loadSplitData, readModelSplit, splitTracks } from "../train/data.js";
import type { SplitPart } from "../train/data.js";
import { scoreStore } from "../train/validate.js";
import type { ScoredWindows } from "../train/validate.js";
import { buildReport } from "./report-data.js";
import type { EvaluationReport, ScoredModel } from "./report-data.js";
import { renderReportHtml } from "./report-html.js";

/** Which tracks to evaluate: a part of the split, or every track. */
export type EvalSplit = SplitPart | "all";

/** Options of {@link evaluateModels}. */
export interface EvaluateModelsOptions {
  readonly modelDirs: readonly string[];
  readonly roots: readonly string[];
  readonly split: EvalSplit;
  readonly cacheDir: string;
  /** Inference engine (as analyze): ONNX Runtime on every core when it can, else TensorFlow.js. */
  readonly backend?: InferenceRequest;
  /** Split seed; default: the first model's training split seed (its manifest), else 1. */
  readonly splitSeed?: number;
  /** Reports feature caching (the CLI passes its progress bar). Default: none. */
  readonly progress?: ProgressFactory;
}

async function readHistory(dir: string): Promise<Array<Record<string, unknown>>> {
  const path = join(dir, TRAIN_FILES.log);
  if (!existsSync(path)) return [];
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function modelInfo(m: ModelManifest): Record<string, string | number | null> {
  return {
    architecture: `${m.architecture.name}${m.architecture.widthScale === 1 ? "" : ` (width x${m.architecture.widthScale})`}`,
    parameters: m.params,
    "MFLOP/window": Number((m.flopsPerWindow / 1e6).toFixed(1)),
    recipe: m.training?.recipe ?? null,
    "best epoch": m.validation?.epoch ?? null,
    "validation mean AUC":
      m.validation?.meanAuc === null || m.validation?.meanAuc === undefined ? null : Number(m.validation.meanAuc.toFixed(4)),
  };
}

/** A report and the scores behind it. */
export interface Evaluation {
  readonly report: EvaluationReport;
  readonly scored: readonly ScoredModel[];
}

/** Scores `opts.split` of the data with every model; returns the report (nothing written). */
export async function evaluateModels(opts: EvaluateModelsOptions): Promise<Evaluation> {
  if (opts.modelDirs.length === 0) throw new UserError("evaluate needs at least one --model");
  const loaded: { scorer: MelScorer; manifest: ModelManifest }[] = [];
  try {
    for (const dir of opts.modelDirs) {
      const manifest = await readManifest(dir);
      // One scorer on the main thread: ONNX Runtime may use every core.
      const scorer = await createScorer({ modelDir: dir, backend: opts.backend ?? "auto", threads: availableParallelism() });
      loaded.push({ scorer, manifest });
      log.debug(`${dir}: ${scorer.engine ?? "?"}`);
    }
    const first = (loaded[0] as { manifest: ModelManifest }).manifest;
    const splitSeed = opts.splitSeed ?? first.training?.split.seed ?? 1;
    // The first model's own split (its split.json) where it has one and no other seed was asked for.
    const saved = await readModelSplit(opts.modelDirs[0] as string);
    const previous = saved !== undefined && saved.seed === splitSeed ? saved : undefined;
    const data = await loadSplitData({ roots: opts.roots, cacheDir: opts.cacheDir, splitSeed, ...definedFields({ previous }) });
    const trainedOn = first.training?.split.poolHash;
    if (opts.split !== "all" && previous === undefined && trainedOn !== undefined && trainedOn !== data.split.poolHash) {
      log.warn(
        `the tracks under ${opts.roots.join(", ")} differ from those ${opts.modelDirs[0]} was trained on (pool hash); the ${opts.split} split may overlap its training data`,
      );
    }
    const ids = opts.split === "all" ? [...data.mixes.keys()].sort() : splitTracks(data, opts.split);
    if (ids.length === 0)
      throw new UserError(
        `the ${opts.split} split of ${opts.roots.join(", ")} is empty (${data.mixes.size} tracks in all); try --split all`,
      );
    const store = await buildStore(data, ids, [0], `${opts.split} features`, opts.progress);
    const models: ScoredModel[] = [];
    try {
      for (const [i, { scorer, manifest }] of loaded.entries()) {
        const dir = opts.modelDirs[i] as string;
        const s = await scoreStore(store, (x, n) => scorer.scoreMel(x, n));
        models.push({
          name: basename(dir),
          labels: scorer.labels,
          thresholds: Array.from(scorer.thresholds),
          scores: s.scores,
          truth: s.labels,
          trackIds: s.trackIds,
          rows: s.rows,
          info: modelInfo(manifest),
          history: await readHistory(dir),
        });
      }
    } finally {
      store.close();
    }
    return {
      report: buildReport(models, { split: opts.split, splitSeed, data: opts.roots, tracks: ids.length, windows: store.totalWindows }),
      scored: models,
    };
  } finally {
    for (const { scorer } of loaded) await scorer.dispose?.();
  }
}

/** Path prefix of a model's saved scores in a report folder (`<outDir>/scores/<name>`). */
function scoresBase(outDir: string, name: string): string {
  return join(outDir, "scores", name.replace(/[^\w.-]+/g, "_"));
}

/** Writes report.json, report.html and scores/<model>-{scores,labels,tracks}.npy into `outDir`. */
export async function writeReport(outDir: string, report: EvaluationReport, scored?: readonly ScoredModel[]): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, "report.json"), JSON.stringify(report, null, 1) + "\n");
  await writeFile(join(outDir, "report.html"), await renderReportHtml(report));
  if (scored === undefined) return;
  await mkdir(join(outDir, "scores"), { recursive: true });
  for (const m of scored) {
    const base = scoresBase(outDir, m.name);
    await writeNpy(`${base}-scores.npy`, m.scores, [m.rows, m.labels.length]);
    await writeNpy(`${base}-labels.npy`, m.truth, [m.rows, m.labels.length]);
    await writeNpy(`${base}-tracks.npy`, m.trackIds, [m.rows], "<i4");
  }
}

/** Reads back the scores, labels and track ids that {@link writeReport} saved for model `name`. */
export async function readSavedScores(outDir: string, name: string): Promise<ScoredWindows> {
  const base = scoresBase(outDir, name);
  const [s, l, t] = await Promise.all(["scores", "labels", "tracks"].map((k) => readNpy(`${base}-${k}.npy`)));
  const [rows = 0, cols = 0] = s?.shape ?? [];
  if (l === undefined || t === undefined || s === undefined || l.shape.join() !== s.shape.join() || t.shape[0] !== rows) {
    throw new UserError(`${base}-*.npy: scores, labels and tracks disagree in shape`);
  }
  return { scores: Float32Array.from(s.data), labels: Uint8Array.from(l.data), trackIds: Int32Array.from(t.data), rows, cols };
}
