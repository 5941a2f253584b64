/**
 * The training loop behind `timbrescope train` (Gururani et al. 2018 §3.2.4, §4.2): epochs over
 * shuffled 1 s windows, validation after every epoch, the best epoch by validation mean AUC kept as
 * the model (with per-class best-F1 thresholds), a checkpoint after every epoch, a JSONL log line
 * per epoch. `resume` continues from the last checkpoint and ends where an uninterrupted run with
 * the same settings would (same seed -> same init, shuffles, dropout masks and updates).
 */
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { CLASSES } from "../data/classes.js";
import { definedFields } from "../defined-fields.js";
import { UserError, oneLine } from "../errors.js";
import { log } from "../log.js";
import type { ProgressFactory } from "../progress.js";
import { buildModel, paperSpec } from "../model/architectures/index.js";
import type { ArchitectureName, ArchitectureSpec } from "../model/architectures/spec.js";
import { initBackend } from "../model/backend.js";
import type { BackendRequest } from "../model/backend.js";
import { predictWindows } from "../model/classifier.js";
import { buildManifest, validateManifest } from "../model/manifest.js";
import type { TrainingSummary } from "../model/manifest.js";
import { loadLayersModelFile } from "../model/load.js";
import { MODEL_FILES, saveModelDir } from "../model/save.js";
import { modelStats } from "../model/stats.js";
import { batchCount, batchRefs, epochPlan } from "./batches.js";
import { fingerprintDiff, hasCheckpoint, loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import type { EpochRecord, RunFingerprint } from "./checkpoint.js";
import { buildStore, loadSplitData, readModelSplit, splitTracks } from "./data.js";
import { LocalEngine } from "./engine.js";
import type { StepEngine } from "./engine.js";
import type { Recipe } from "./recipe.js";
import { variantName } from "./recipe.js";
import { TRAIN_FILES } from "../model/model-files.js";
import { writeInt8FromStore } from "./int8-ranges.js";
import { readRealNegatives, realNegativeEntries, tracksOf } from "./real-negatives.js";
import { WindowStore } from "./window-store.js";
import { scoreStore, validationResult } from "./validate.js";

/** Options of {@link train}. */
export interface TrainOptions {
  readonly roots: readonly string[];
  readonly outDir: string;
  readonly arch: ArchitectureName;
  /** Width multiplier of the architecture (spec.ts). Default 1 (the paper's). */
  readonly widthScale?: number;
  /** The recipe, with any CLI overrides (epochs, batch size) applied. */
  readonly recipe: Recipe;
  readonly seed: number;
  /** Split seed. Default `seed`. */
  readonly splitSeed?: number;
  /** Feature cache folder. */
  readonly cacheDir: string;
  /** Stop (between batches) after this many minutes; the last checkpoint stays resumable. */
  readonly maxMinutes?: number;
  readonly resume?: boolean;
  readonly backend?: BackendRequest;
  /** Data-parallel worker threads (parallel.ts). Default 1 (in-process). */
  readonly workers?: number;
  /**
   * A real-negatives list (real-negatives.ts): its training recordings join the training windows
   * with only their checked-absent classes labelled. Default: none.
   */
  readonly realNegatives?: string;
  /** Cap on training windows per epoch (quick runs). Default: all. */
  readonly maxTrainWindows?: number;
  /** Start from this model folder's weights (same architecture) instead of random ones: fine-tuning. */
  readonly initFrom?: string;
  /** Reports feature caching and each epoch's batches (the CLI passes its progress bar). Default: none. */
  readonly progress?: ProgressFactory;
  /** Stops the run between batches (the CLI wires SIGINT; tests simulate an interruption). */
  readonly signal?: AbortSignal;
  /** Called after every batch (tests). */
  readonly onBatch?: (info: { epoch: number; batch: number; loss: number }) => void;
}

/** How a run ended. */
export interface TrainResult {
  readonly outDir: string;
  readonly epochsDone: number;
  readonly bestEpoch: number | null;
  readonly bestMeanAuc: number | null;
  readonly stopped: "completed" | "time-limit" | "aborted";
  readonly history: readonly EpochRecord[];
  /** Training windows per second over this process's batches. */
  readonly samplesPerSec: number;
}

/** Trains a model; see the module comment. */
export async function train(o: TrainOptions): Promise<TrainResult> {
  const backend = await initBackend(o.backend ?? "auto");
  const workers = o.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > 16)
    throw new UserError(`Expected --workers an integer in [1, 16], got ${workers}`);
  const recipe = o.recipe;
  const splitSeed = o.splitSeed ?? o.seed;
  // Fine-tuning keeps the split of the model it starts from (tracks it trained on stay in training).
  const previous = o.initFrom === undefined ? undefined : await readModelSplit(o.initFrom);
  const data = await loadSplitData({ roots: o.roots, cacheDir: o.cacheDir, splitSeed, ...definedFields({ previous }) });
  const semitones = recipe.augment === "none" ? [0] : recipe.semitones;
  const trainIds = splitTracks(data, "train");
  const valIds = splitTracks(data, "validation");
  const synthStore = await buildStore(data, trainIds, semitones, "training features", o.progress);
  const negatives = o.realNegatives === undefined ? undefined : { path: o.realNegatives, list: readRealNegatives(o.realNegatives) };
  const trainStore =
    negatives === undefined
      ? synthStore
      : new WindowStore(
          [
            ...synthStore.entries,
            ...(await realNegativeEntries(negatives.list, {
              cacheDir: o.cacheDir,
              melParams: data.melParams,
              firstTrackIndex: trainIds.length,
              ...definedFields({ progress: o.progress }),
            })),
          ],
          synthStore.shape,
        );
  const valStore = await buildStore(data, valIds, [0], "validation features", o.progress);
  const spec: ArchitectureSpec = paperSpec(o.arch, {
    widthScale: o.widthScale ?? 1,
    inputShape: [trainStore.shape.nMels, trainStore.shape.nFrames],
  });
  const fingerprint: RunFingerprint = {
    architecture: spec,
    recipe: {
      name: recipe.name,
      optimizer: recipe.optimizer,
      learningRate: recipe.learningRate,
      momentum: recipe.momentum,
      batchSize: recipe.batchSize,
      augment: recipe.augment,
      semitones,
    },
    seed: o.seed,
    splitSeed,
    workers,
    poolHash: data.split.poolHash,
    maxTrainWindows: o.maxTrainWindows ?? null,
    ...definedFields({
      initFrom: o.initFrom,
      realNegatives:
        negatives === undefined
          ? undefined
          : { list: negatives.path, tracks: tracksOf(negatives.list, "train").map((t) => t.path), repeat: negatives.list.repeat },
    }),
  };
  await mkdir(o.outDir, { recursive: true });
  await writeFile(join(o.outDir, TRAIN_FILES.split), JSON.stringify(data.split, null, 1) + "\n");

  let model: tf.LayersModel;
  let engine: StepEngine;
  let epochsDone = 0;
  let globalStep = 0;
  let history: EpochRecord[] = [];
  let best: { epoch: number; meanAuc: number } | null = null;
  if (o.resume === true && hasCheckpoint(o.outDir)) {
    const ck = await loadCheckpoint(o.outDir);
    const diff = fingerprintDiff(ck.state.fingerprint, fingerprint);
    if (diff !== undefined) throw new UserError(`--resume: the checkpoint in ${o.outDir} was made with other settings (${diff})`);
    ({ model } = ck);
    ({ epochsDone, globalStep, best } = ck.state);
    history = [...ck.state.history];
    engine = await createEngine(model, recipe, workers, { slots: ck.slots, iterations: ck.state.optimizerIterations });
    log.info(`resuming ${o.outDir} after epoch ${epochsDone} of ${recipe.epochs}`);
  } else {
    if (o.resume === true) log.info(`--resume: no checkpoint in ${o.outDir}; starting from scratch`);
    model = buildModel(spec, o.seed);
    if (o.initFrom !== undefined) await initWeightsFrom(model, spec, o.initFrom);
    engine = await createEngine(model, recipe, workers, undefined);
  }
  // The log always equals the history of the run so far (a resumed run rewrites it).
  await writeFile(join(o.outDir, TRAIN_FILES.log), history.map((r) => JSON.stringify(r) + "\n").join(""));
  const stats = modelStats(model);
  log.info(
    `training ${spec.name} (${(stats.trainableParams / 1e6).toFixed(2)} M parameters, ${(stats.flopsPerWindow / 1e6).toFixed(0)} MFLOP/window) on ${backend.description}` +
      `${workers > 1 ? ` x ${workers} workers` : ""}: ${trainIds.length} training tracks (${trainStore.totalWindows} windows incl. variants), ${valIds.length} validation tracks (${valStore.totalWindows} windows), recipe ${recipe.name}`,
  );

  const deadline = o.maxMinutes === undefined ? Infinity : Date.now() + o.maxMinutes * 60_000;
  const B = recipe.batchSize;
  const x = new Float32Array(B * trainStore.windowSize);
  const y = new Float32Array(B * trainStore.shape.nClasses);
  let stopped: TrainResult["stopped"] = "completed";
  let processed = 0;
  let busyMs = 0;
  try {
    for (let epoch = epochsDone; epoch < recipe.epochs && stopped === "completed"; epoch++) {
      const t0 = Date.now();
      const plan = epochPlan(trainStore, {
        seed: o.seed,
        epoch,
        augment: recipe.augment,
        ...definedFields({ maxWindows: o.maxTrainWindows }),
      });
      const nWin = plan.length / 2;
      const nb = batchCount(nWin, B);
      const bar = o.progress?.(`epoch ${epoch + 1}/${recipe.epochs}`, nb, "batches");
      let lossSum = 0;
      let seen = 0;
      for (let b = 0; b < nb; b++) {
        if (o.signal?.aborted === true) stopped = "aborted";
        else if (Date.now() > deadline) stopped = "time-limit";
        if (stopped !== "completed") break;
        const refs = batchRefs(plan, b, B);
        const n = refs.length / 2;
        trainStore.read(refs, x, y);
        const s0 = performance.now();
        const loss = await engine.step({ x, y, n }, globalStep++);
        busyMs += performance.now() - s0;
        processed += n;
        lossSum += loss * n;
        seen += n;
        o.onBatch?.({ epoch, batch: b, loss });
        bar?.tick(1, `loss ${(lossSum / seen).toFixed(4)} | ${((processed / busyMs) * 1000).toFixed(1)} windows/s`);
      }
      if (stopped !== "completed") {
        bar?.done();
        log.warn(
          `${stopped === "time-limit" ? `time limit of ${o.maxMinutes} min reached` : "interrupted"} in epoch ${epoch + 1}; the checkpoint holds epoch ${epochsDone}. Continue with --resume.`,
        );
        break;
      }
      await engine.sync();
      const scored = await scoreStore(valStore, (xs, k) => predictWindows(model, xs, k));
      const { report, thresholds, validation } = validationResult(scored, epoch + 1);
      const valLoss = validation.loss;
      const auc = report.meanAuc;
      const isBest = best === null || (auc !== null && auc > best.meanAuc);
      const seconds = (Date.now() - t0) / 1000;
      const record: EpochRecord = {
        epoch: epoch + 1,
        trainLoss: seen === 0 ? 0 : lossSum / seen,
        trainWindows: seen,
        valLoss,
        valMeanAuc: auc,
        valLrapMicro: report.lrapMicro,
        valLrapMacro: report.lrapMacro,
        best: isBest,
        seconds,
        samplesPerSec: seconds > 0 ? seen / seconds : 0,
      };
      bar?.done(
        `epoch ${epoch + 1}: train loss ${record.trainLoss.toFixed(4)}, validation loss ${valLoss.toFixed(4)}, mean AUC ${auc === null ? "-" : auc.toFixed(4)}, LRAP ${report.lrapMicro.toFixed(4)}${isBest ? " (best)" : ""}`,
      );
      if (isBest) {
        best = { epoch: epoch + 1, meanAuc: auc ?? -Infinity };
        const training: TrainingSummary = {
          recipe: recipe.name,
          optimizer: recipe.optimizer,
          learningRate: recipe.learningRate,
          batchSize: B,
          epochs: recipe.epochs,
          epochsRun: epoch + 1,
          seed: o.seed,
          backend: backend.description,
          workers,
          samplesPerSec: busyMs > 0 ? (processed / busyMs) * 1000 : 0,
          dataRoots: o.roots,
          tracks: { train: trainIds.length, validation: valIds.length },
          windows: { train: trainStore.totalWindows, validation: valStore.totalWindows },
          variants: semitones.map(variantName),
          split: { seed: splitSeed, poolHash: data.split.poolHash },
          ...definedFields({
            initFrom: o.initFrom,
            realNegatives:
              fingerprint.realNegatives === undefined
                ? undefined
                : {
                    list: fingerprint.realNegatives.list,
                    recordings: fingerprint.realNegatives.tracks.length,
                    windows: trainStore.totalWindows - synthStore.totalWindows,
                  },
          }),
        };
        const manifest = buildManifest({
          labels: CLASSES.map((c) => c.id),
          melParams: data.melParams,
          architecture: spec,
          params: stats.params,
          trainableParams: stats.trainableParams,
          flopsPerWindow: stats.flopsPerWindow,
          thresholds,
          training,
          validation,
        });
        await saveModelDir(o.outDir, model, manifest);
      }
      history.push(record);
      epochsDone = epoch + 1;
      const opt = await engine.optimizerState();
      await saveCheckpoint(o.outDir, model, opt.slots, {
        fingerprint,
        epochsDone,
        globalStep,
        optimizerIterations: opt.iterations,
        history,
        best,
      });
      await appendFile(join(o.outDir, TRAIN_FILES.log), JSON.stringify(record) + "\n");
    }
    // The kept model's int8 ranges, from the validation windows (src/train/int8-ranges.ts).
    if (best !== null) await writeInt8FromStore(o.outDir, valStore, `the validation split (${valIds.length} tracks)`);
  } finally {
    trainStore.close();
    valStore.close();
    await engine.dispose();
    model.dispose();
  }
  const bestRecord = history.find((r) => r.epoch === best?.epoch);
  return {
    outDir: o.outDir,
    epochsDone,
    bestEpoch: best?.epoch ?? null,
    bestMeanAuc: bestRecord?.valMeanAuc ?? null,
    stopped,
    history,
    samplesPerSec: busyMs > 0 ? (processed / busyMs) * 1000 : 0,
  };
}

async function createEngine(
  model: tf.LayersModel,
  recipe: Recipe,
  workers: number,
  restore: { slots: Float32Array[]; iterations: number } | undefined,
): Promise<StepEngine> {
  if (workers === 1) return new LocalEngine(model, recipe, restore);
  const { ParallelEngine } = await import("./parallel.js");
  return ParallelEngine.create(model, recipe, workers, restore);
}

/**
 * Copies the weights of the model in `dir` into `model` (fine-tuning). The saved model must have
 * been built from the same architecture spec (family, width, input shape, outputs).
 * @throws UserError naming the first field that differs, or the folder's problem
 */
async function initWeightsFrom(model: tf.LayersModel, spec: ArchitectureSpec, dir: string): Promise<void> {
  const manifest = validateManifest(
    JSON.parse(
      await readFile(join(dir, MODEL_FILES.manifest), "utf8").catch((err: unknown) => {
        throw new UserError(`--init-from ${dir}: cannot read ${MODEL_FILES.manifest} (${oneLine(err)})`);
      }),
    ),
    undefined,
    join(dir, MODEL_FILES.manifest),
  );
  const a = manifest.architecture;
  const differs =
    (["name", "widthScale", "nClasses"] as const).find((k) => a[k] !== spec[k]) ??
    (a.inputShape.join("x") !== spec.inputShape.join("x") ? "inputShape" : undefined);
  if (differs !== undefined) {
    throw new UserError(
      `--init-from ${dir}: architecture.${differs} is ${JSON.stringify(a[differs])}, this run trains ${JSON.stringify(spec[differs])}`,
    );
  }
  const source = await loadLayersModelFile(join(dir, MODEL_FILES.topology));
  try {
    model.setWeights(source.getWeights());
  } finally {
    source.dispose();
  }
  log.info(`starting from the weights of ${dir} (validation mean AUC ${manifest.validation?.meanAuc?.toFixed(4) ?? "?"} there)`);
}
