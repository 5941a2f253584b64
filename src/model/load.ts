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

/** Loads `model.json` + weights of `dir` without a manifest (checkpoints use this). */
export async function loadLayersModelFile(modelJsonPath: string): Promise<tf.LayersModel> {
  const json = (await readJson(modelJsonPath)) as tf.io.ModelJSON;
  const dir = dirname(modelJsonPath);
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async (weightsManifest) => {
    const specs = weightsManifest.flatMap((g) => g.weights);
    const buffers = await Promise.all(weightsManifest.flatMap((g) => g.paths).map(async (p) => readFile(join(dir, p))));
    const joined = Buffer.concat(buffers);
    return [specs, joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength)];
  });
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
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
