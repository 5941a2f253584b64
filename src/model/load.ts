/**
 * Reads a model directory written by save.ts: validates `manifest.json` against the live
 * front-end first (so a mismatch is reported before any weights are read), then loads
 * `model.json` + weights and checks that the network's input and output shapes agree with it.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { InputFileError, UserError } from "../errors.js";
import { DEFAULT_MEL_PARAMS } from "../features/params.js";
// Side effect: registers the custom layers model.json may name.
import "./architectures/batch-norm.js";
import "./architectures/seeded-dropout.js";
import { validateManifest } from "./manifest.js";
import type { LiveFrontEnd, ModelManifest } from "./manifest.js";
import { MODEL_FILES } from "./save.js";

/** A loaded network and its manifest. */
export interface LoadedModel {
  readonly model: tf.LayersModel;
  readonly manifest: ModelManifest;
  readonly dir: string;
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new InputFileError(path, (err as NodeJS.ErrnoException).code === "ENOENT" ? "not found (is this a timbrescope model directory?)" : String(err));
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

/** Bytes per element of the weight dtypes model.json may declare. */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes the weight specs need (unquantized; quantized specs carry their own dtype). */
function weightBytes(specs: readonly tf.io.WeightsManifestEntry[]): number {
  return specs.reduce((sum, w) => {
    const dtype = w.quantization?.dtype ?? w.dtype;
    return sum + w.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[dtype] ?? 4);
  }, 0);
}

/**
 * Loads `model.json` + weights of `dir` without a manifest (checkpoints use this).
 * @throws InputFileError for a malformed model.json, a missing weight shard, or shards whose size
 * differs from what model.json declares (a truncated or mismatched download)
 */
export async function loadLayersModelFile(modelJsonPath: string): Promise<tf.LayersModel> {
  const raw = await readJson(modelJsonPath);
  const json = raw as Partial<tf.io.ModelJSON> | null;
  if (typeof json !== "object" || json === null || typeof json.modelTopology !== "object" || !Array.isArray(json.weightsManifest)) {
    throw new InputFileError(modelJsonPath, "not a TensorFlow.js layers model (expected modelTopology and weightsManifest)");
  }
  const dir = dirname(modelJsonPath);
  const groups = json.weightsManifest;
  if (!groups.every((g) => Array.isArray(g.paths) && g.paths.every((p) => typeof p === "string" && !p.includes("..") && !p.startsWith("/")) && Array.isArray(g.weights))) {
    throw new InputFileError(modelJsonPath, "weightsManifest: expected groups of relative shard paths and weight specs");
  }
  const specs = groups.flatMap((g) => g.weights);
  const buffers = await Promise.all(groups.flatMap((g) => g.paths).map(async (p) => {
    const shard = join(dir, p);
    try {
      return await readFile(shard);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputFileError(shard, code === "ENOENT" ? `weight shard missing (model.json lists it)` : `cannot read the weight shard (${code ?? String(err)})`);
    }
  }));
  const joined = Buffer.concat(buffers);
  const want = weightBytes(specs);
  if (joined.byteLength !== want) {
    throw new InputFileError(modelJsonPath, `the weight shards hold ${joined.byteLength} bytes but model.json declares ${want} (truncated or mismatched weights)`);
  }
  const artifacts = await tf.io.getModelArtifactsForJSON(json as tf.io.ModelJSON, () =>
    Promise.resolve([specs, joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength)]),
  );
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (err) {
    throw new InputFileError(modelJsonPath, `cannot build the network (${err instanceof Error ? err.message.split("\n")[0] ?? "" : String(err)})`);
  }
}

/**
 * Loads a model directory. Throws UserError when the manifest disagrees with `live` (naming the
 * field) or when the network's shapes disagree with the manifest.
 */
export async function loadModelDir(dir: string, live: LiveFrontEnd = { melParams: DEFAULT_MEL_PARAMS }): Promise<LoadedModel> {
  const manifest = await readManifest(dir, live);
  const model = await loadLayersModelFile(join(dir, MODEL_FILES.topology));
  const inShape = model.inputs[0]?.shape ?? [];
  const outShape = model.outputs[0]?.shape ?? [];
  const want = [null, ...manifest.inputShape];
  if (inShape.length !== want.length || inShape.some((d, i) => d !== want[i])) {
    model.dispose();
    throw new UserError(`${dir}: the network's input shape ${JSON.stringify(inShape)} differs from the manifest's inputShape ${JSON.stringify(want)}`);
  }
  if (outShape.length !== 2 || outShape[1] !== manifest.labels.length) {
    model.dispose();
    throw new UserError(`${dir}: the network has ${String(outShape[1])} outputs but the manifest lists ${manifest.labels.length} labels`);
  }
  return { model, manifest, dir };
}
