/**
 * Writes a model directory: `model.json` (tfjs layers format: topology + weights manifest),
 * `weights.bin` and `manifest.json`. Each file is written under a temporary name and renamed,
 * so a reader (or a training run killed mid-save) never sees a half-written file.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { writeAtomic } from "../io/write-atomic.js";
import type { ModelManifest } from "./manifest.js";

import { MODEL_FILES } from "./model-files.js";

export { MODEL_FILES };

/** The weights of a model as tfjs serialises them (spec list + one buffer). */
export interface SerializedModel {
  readonly modelJson: Record<string, unknown>;
  readonly weights: Uint8Array;
}

/** Serialises `model` to model.json content and weight bytes (no file I/O). */
export async function serializeModel(model: tf.LayersModel): Promise<SerializedModel> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } });
    }),
  );
  if (captured === undefined || captured.weightData === undefined || captured.weightSpecs === undefined)
    throw new Error("model.save produced no weights");
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(captured.weightData));
  const modelJson = {
    modelTopology: captured.modelTopology,
    format: captured.format ?? "layers-model",
    generatedBy: captured.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    weightsManifest: [{ paths: [MODEL_FILES.weights], weights: captured.weightSpecs }],
  };
  return { modelJson, weights };
}

/** Writes model.json, weights.bin and manifest.json into `dir` (created if needed). */
export async function saveModelDir(dir: string, model: tf.LayersModel, manifest: ModelManifest): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { modelJson, weights } = await serializeModel(model);
  await writeAtomic(join(dir, MODEL_FILES.weights), weights);
  await writeAtomic(join(dir, MODEL_FILES.topology), JSON.stringify(modelJson));
  await writeAtomic(join(dir, MODEL_FILES.manifest), JSON.stringify(manifest, null, 2) + "\n");
}
