/**
 * `timbrescope train`: trains an MLP, CNN or CRNN (Gururani et al. 2018) on MedleyDB-layout data
 * (real or `timbrescope synth`), writing model.json + weights + manifest.json, a JSONL log and a
 * checkpoint per epoch. `--benchmark N` measures training throughput on random batches instead.
 */
import { availableParallelism, homedir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { definedFields } from "../defined-fields.js";
import { UserError } from "../errors.js";
import { log } from "../log.js";
import { parseArchitectureName } from "../model/architectures/spec.js";
import { parseBackendRequest } from "../model/backend-request.js";
import { RECIPES, parseRecipeName } from "../train/recipe.js";
import type { Recipe } from "../train/recipe.js";
import { progressBar } from "./progress.js";

interface TrainCliOptions {
  data?: string[];
  arch: string;
  out?: string;
  epochs?: string;
  batch?: string;
  recipe: string;
  maxMinutes?: string;
  resume?: boolean;
  seed: string;
  splitSeed?: string;
  backend: string;
  workers?: string;
  cache?: string;
  lr?: string;
  augment: boolean;
  widthScale: string;
  maxWindows?: string;
  benchmark?: string;
  initFrom?: string;
  realNegatives?: string;
}

/** Most data-parallel training threads (`--workers`). */
const MAX_TRAIN_WORKERS = 16;

/** Default `train --workers`: one thread per core of this machine (os.availableParallelism), at most 16. */
export function defaultTrainWorkers(): number {
  return Math.max(1, Math.min(MAX_TRAIN_WORKERS, availableParallelism()));
}

/** Default feature cache: $XDG_CACHE_HOME/timbrescope/features (or ~/.cache/...). */
export function defaultCacheDir(): string {
  const base = process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache");
  return join(base, "timbrescope", "features");
}

function intOption(name: string, text: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min || v > max) throw new UserError(`Expected ${name} an integer in [${min}, ${max}], got "${text}"`);
  return v;
}

function numOption(name: string, text: string | undefined, check: (v: number) => boolean, range: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v) || !check(v)) throw new UserError(`Expected ${name} ${range}, got "${text}"`);
  return v;
}

/** The recipe with the CLI's overrides. */
function recipeFrom(o: TrainCliOptions): Recipe {
  const base = RECIPES[parseRecipeName(o.recipe)];
  return {
    ...base,
    epochs: intOption("--epochs", o.epochs, 1, 10_000) ?? base.epochs,
    batchSize: intOption("--batch", o.batch, 1, 4096) ?? base.batchSize,
    learningRate: numOption("--lr", o.lr, (v) => v > 0 && v < 10, "a number in (0, 10)") ?? base.learningRate,
    augment: o.augment ? base.augment : "none",
  };
}

/** Registers `train`. */
export function registerTrain(program: Command): void {
  program
    .command("train")
    .description("train an MLP / CNN / CRNN instrument-activity model (paper recipe or a fast one)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ timbrescope train --data ~/MedleyDB ~/MixingSecrets --arch cnn --out models/cnn --recipe fast --max-minutes 120\n" +
        "  $ timbrescope train --data corpus --arch crnn --out models/crnn --resume\n" +
        "  $ timbrescope train --benchmark 5 --arch cnn --workers 2        (training throughput, random data)\n",
    )
    .option("--data <dirs...>", "dataset roots (MedleyDB / Mixing Secrets / synth layout)")
    .option("--arch <name>", "mlp | cnn | crnn", "cnn")
    .option("--out <dir>", "model folder (model.json, weights.bin, manifest.json, train-log.jsonl, checkpoint/)")
    .option("--epochs <n>", "epochs (default: the recipe's, 20)")
    .option("--batch <n>", "batch size (default: the recipe's, 32)")
    .option(
      "--recipe <name>",
      "paper (SGD 1e-4, momentum 0.9, all 12 pitch variants per epoch) | fast (Adam 1e-3, one variant per track per epoch)",
      "paper",
    )
    .option("--max-minutes <m>", "stop after this many minutes (resumable with --resume)")
    .option("--resume", "continue from the checkpoint in --out")
    .option("--seed <n>", "seed of initialisation, shuffling, dropout and augmentation choices", "1")
    .option("--split-seed <n>", "seed of the train/validation/test split (default: --seed)")
    .option("--backend <name>", "auto | tensorflow | wasm | cpu", "auto")
    .option(
      "--workers <n>",
      `data-parallel worker threads, each its own tfjs instance (default: one per core, ${defaultTrainWorkers()} here)`,
    )
    .option("--cache <dir>", "feature cache folder (mel windows and pitch-shifted variants)")
    .option("--lr <x>", "learning rate (default: the recipe's)")
    .option("--no-augment", "train on the original mixes only (no pitch-shifted variants)")
    .option("--width-scale <x>", "multiply every hidden width (quick experiments; 1 = the paper)", "1")
    .option("--max-windows <n>", "at most this many training windows per epoch")
    .option(
      "--init-from <dir>",
      "start from this model's weights (same --arch and --width-scale): fine-tuning, e.g. a lower --lr after a first run",
    )
    .option(
      "--real-negatives <file>",
      "also train on the real recordings this YAML list names, with only their checked-absent classes labelled (e.g. config/real-negatives.yaml)",
    )
    .option("--benchmark <steps>", "measure training throughput over this many random batches and exit")
    .action(async (o: TrainCliOptions) => {
      const recipe = recipeFrom(o);
      const arch = parseArchitectureName(o.arch);
      const seed = intOption("--seed", o.seed, 0, 2 ** 31 - 1) ?? 1;
      const workers = intOption("--workers", o.workers, 1, MAX_TRAIN_WORKERS) ?? defaultTrainWorkers();
      const widthScale = numOption("--width-scale", o.widthScale, (v) => v > 0 && v <= 4, "a number in (0, 4]") ?? 1;
      const backend = parseBackendRequest(o.backend);
      if (o.benchmark !== undefined) {
        const steps = intOption("--benchmark", o.benchmark, 1, 10_000) ?? 1;
        const { benchmarkTraining } = await import("../train/benchmark.js");
        const r = await benchmarkTraining({ arch, widthScale, recipe, steps, workers, backend, seed });
        process.stdout.write(
          `${arch} on ${r.backend}${workers > 1 ? ` x ${workers} workers` : ""}, batch ${recipe.batchSize}: ` +
            `${r.samplesPerSec.toFixed(1)} windows/s (${r.msPerStep.toFixed(0)} ms/step over ${steps} steps; ` +
            `${(r.params / 1e6).toFixed(2)} M parameters, ${(r.flopsPerWindow / 1e6).toFixed(0)} MFLOP/window)\n`,
        );
        return;
      }
      if (o.data === undefined || o.data.length === 0) throw new UserError("train needs --data DIR... (or --benchmark N)");
      if (o.out === undefined) throw new UserError("train needs --out MODEL_DIR");
      const maxMinutes = numOption("--max-minutes", o.maxMinutes, (v) => v > 0, "a positive number of minutes");
      const maxWindows = intOption("--max-windows", o.maxWindows, 1);
      const controller = new AbortController();
      const onSigint = (): void => {
        log.warn("stopping after the current batch (Ctrl-C again to kill)");
        controller.abort();
        process.off("SIGINT", onSigint);
      };
      process.on("SIGINT", onSigint);
      try {
        const { train } = await import("../train/trainer.js");
        const result = await train({
          roots: o.data.map((d) => resolve(d)),
          outDir: resolve(o.out),
          arch,
          widthScale,
          recipe,
          seed,
          splitSeed: intOption("--split-seed", o.splitSeed, 0, 2 ** 31 - 1) ?? seed,
          cacheDir: resolve(o.cache ?? defaultCacheDir()),
          resume: o.resume === true,
          backend,
          workers,
          progress: progressBar,
          signal: controller.signal,
          ...definedFields({
            initFrom: o.initFrom === undefined ? undefined : resolve(o.initFrom),
            maxMinutes,
            maxTrainWindows: maxWindows,
            realNegatives: o.realNegatives === undefined ? undefined : resolve(o.realNegatives),
          }),
        });
        const best =
          result.bestEpoch === null
            ? "no epoch finished"
            : `best epoch ${result.bestEpoch} (validation mean AUC ${result.bestMeanAuc?.toFixed(4) ?? "-"})`;
        log.info(
          `${result.stopped === "completed" ? "done" : "stopped"}: ${result.epochsDone} epoch(s), ${best}, ${result.samplesPerSec.toFixed(1)} windows/s; model in ${result.outDir}`,
        );
      } finally {
        process.off("SIGINT", onSigint);
      }
    });
}
