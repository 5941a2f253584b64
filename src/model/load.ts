/**
 * Reads a model directory written by save.ts: validates `manifest.json` against the live
 * front-end first (so a mismatch is reported before any weights are read), then loads
 * `model.json` + weights and checks that the network's input and output shapes agree with it.
 */
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { InputFileError } from "../errors.js";
import { DEFAULT_MEL_PARAMS } from "../features/params.js";
export { readManifest } from "./model-files.js";
// Side effect: registers the custom layers model.json may name.
import "./architectures/batch-norm.js";
import "./architectures/seeded-dropout.js";
import type { LiveFrontEnd, ModelManifest } from "./manifest.js";
import { MODEL_FILES, checkNetworkShape, readManifest, readModelFiles } from "./model-files.js";

/** A loaded network and its manifest. */
export interface LoadedModel {
  readonly model: tf.LayersModel;
  readonly manifest: ModelManifest;
  readonly dir: string;
}

/**
 * Loads `model.json` + weights of `dir` without a manifest (checkpoints use this).
 * @throws InputFileError for a malformed model.json, a missing weight shard, or shards whose size
 * differs from what model.json declares (a truncated or mismatched download)
 */
export async function loadLayersModelFile(modelJsonPath: string): Promise<tf.LayersModel> {
  const { json, specs, weights } = await readModelFiles(modelJsonPath);
  const artifacts = await tf.io.getModelArtifactsForJSON(json, () =>
    Promise.resolve([[...specs], weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer]),
  );
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (err) {
    throw new InputFileError(
      modelJsonPath,
      `cannot build the network (${err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err)})`,
    );
  }
}

/**
 * Loads a model directory. Throws UserError when the manifest disagrees with `live` (naming the
 * field) or when the network's shapes disagree with the manifest.
 */
export async function loadModelDir(dir: string, live: LiveFrontEnd = { melParams: DEFAULT_MEL_PARAMS }): Promise<LoadedModel> {
  const manifest = await readManifest(dir, live);
  const model = await loadLayersModelFile(join(dir, MODEL_FILES.topology));
  const outShape = model.outputs[0]?.shape ?? [];
  try {
    checkNetworkShape(dir, manifest, model.inputs[0]?.shape ?? [], outShape.length === 2 ? (outShape[1] ?? undefined) : undefined);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { model, manifest, dir };
}
