/**
 * Reading a model folder's files without TensorFlow.js: `manifest.json` (validated against the
 * live front-end) and `model.json` + its weight shards (checked against the sizes model.json
 * declares). load.ts builds the tfjs network from them; onnx/ort-classifier.ts converts them to
 * ONNX directly, so scorer workers on ONNX Runtime never load tfjs (≈ 0.4 s of start-up each).
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { CLASSES, N_CLASSES } from "../data/classes.js";
import { InputFileError, UserError } from "../errors.js";
import { DEFAULT_MEL_PARAMS } from "../features/params.js";
import type { MelParams } from "../features/params.js";
import { validateManifest } from "./manifest.js";
import type { LiveFrontEnd, ModelManifest } from "./manifest.js";

/** The model folder `analyze` and `live` use when --model is not given (relative to the working directory). */
export const DEFAULT_MODEL_DIR = "models/default";

/** File names inside a model folder. */
export const MODEL_FILES = { topology: "model.json", weights: "weights.bin", manifest: "manifest.json" } as const;

/** Files `train` adds to a model folder: the per-epoch log and the train/validation/test split. */
export const TRAIN_FILES = { log: "train-log.jsonl", split: "split.json" } as const;

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new InputFileError(
      path,
      (err as NodeJS.ErrnoException).code === "ENOENT" ? "not found (is this a timbrescope model directory?)" : String(err),
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputFileError(path, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** Reads and validates `<dir>/manifest.json` only. */
export async function readManifest(dir: string, live: LiveFrontEnd = { melParams: DEFAULT_MEL_PARAMS }): Promise<ModelManifest> {
  const path = join(dir, MODEL_FILES.manifest);
  return validateManifest(await readJson(path), live, path);
}

/**
 * The front-end a model folder is loaded against for inference: `melParams`, and the labels it
 * must carry — `labels` when given, else the 18 class ids in order when the model has 18 outputs
 * (reads the manifest once to see how many).
 */
export async function inferenceFrontEnd(
  dir: string,
  melParams: MelParams = DEFAULT_MEL_PARAMS,
  labels?: readonly string[],
): Promise<LiveFrontEnd> {
  const want = labels ?? ((await readManifest(dir, { melParams })).labels.length === N_CLASSES ? CLASSES.map((c) => c.id) : undefined);
  return want === undefined ? { melParams } : { melParams, labels: want };
}

/**
 * Checks a network's input shape ([null, bands, frames, 1]) and output count against its manifest.
 * @throws UserError naming the folder and both values
 */
export function checkNetworkShape(
  dir: string,
  manifest: ModelManifest,
  inShape: readonly (number | null)[],
  nOut: number | undefined,
): void {
  const want = [null, ...manifest.inputShape];
  if (inShape.length !== want.length || inShape.some((d, i) => d !== want[i])) {
    throw new UserError(
      `${dir}: the network's input shape ${JSON.stringify(inShape)} differs from the manifest's inputShape ${JSON.stringify(want)}`,
    );
  }
  if (nOut !== manifest.labels.length)
    throw new UserError(`${dir}: the network has ${String(nOut)} outputs but the manifest lists ${manifest.labels.length} labels`);
}

/** Bytes per element of the weight dtypes model.json may declare. */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes the weight specs need (unquantized; quantized specs carry their own dtype). */
function weightBytes(specs: readonly tf.io.WeightsManifestEntry[]): number {
  return specs.reduce((sum, w) => {
    const dtype = w.quantization?.dtype ?? w.dtype;
    return sum + w.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[dtype] ?? 4);
  }, 0);
}

/** model.json and its weights, concatenated in weightsManifest order. */
export interface ModelFiles {
  readonly json: tf.io.ModelJSON;
  readonly specs: readonly tf.io.WeightsManifestEntry[];
  readonly weights: Buffer;
}

/**
 * Reads `model.json` and its weight shards.
 * @throws InputFileError for a malformed model.json, a missing weight shard, or shards whose size
 * differs from what model.json declares (a truncated or mismatched download)
 */
export async function readModelFiles(modelJsonPath: string): Promise<ModelFiles> {
  const raw = await readJson(modelJsonPath);
  const json = raw as Partial<tf.io.ModelJSON> | null;
  if (typeof json !== "object" || json === null || typeof json.modelTopology !== "object" || !Array.isArray(json.weightsManifest)) {
    throw new InputFileError(modelJsonPath, "not a TensorFlow.js layers model (expected modelTopology and weightsManifest)");
  }
  const dir = dirname(modelJsonPath);
  const groups = json.weightsManifest;
  if (
    !groups.every(
      (g) =>
        Array.isArray(g.paths) &&
        g.paths.every((p) => typeof p === "string" && !p.includes("..") && !p.startsWith("/")) &&
        Array.isArray(g.weights),
    )
  ) {
    throw new InputFileError(modelJsonPath, "weightsManifest: expected groups of relative shard paths and weight specs");
  }
  const specs = groups.flatMap((g) => g.weights);
  const buffers = await Promise.all(
    groups
      .flatMap((g) => g.paths)
      .map(async (p) => {
        const shard = join(dir, p);
        try {
          return await readFile(shard);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          throw new InputFileError(
            shard,
            code === "ENOENT" ? `weight shard missing (model.json lists it)` : `cannot read the weight shard (${code ?? String(err)})`,
          );
        }
      }),
  );
  const weights = Buffer.concat(buffers);
  const want = weightBytes(specs);
  if (weights.byteLength !== want) {
    throw new InputFileError(
      modelJsonPath,
      `the weight shards hold ${weights.byteLength} bytes but model.json declares ${want} (truncated or mismatched weights)`,
    );
  }
  return { json: json as tf.io.ModelJSON, specs, weights };
}
