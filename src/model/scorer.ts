/**
 * The Classifier as a pipeline scorer (src/pipeline/scorer.ts): a module the live pipeline's
 * scorer worker can load through a ScorerSpec, e.g.
 *   { module: <url of this file>, exportName: "createScorer", options: { modelDir: "models/cnn" } }
 */
import * as tf from "@tensorflow/tfjs";
import { basename } from "node:path";
import { UserError } from "../errors.js";
import type { WindowScorer } from "../pipeline/scorer.js";
import type { BackendRequest } from "./backend.js";
import { loadClassifier } from "./classifier.js";

/** Options of {@link createScorer} (plain data: they cross into the worker). */
export interface ModelScorerOptions {
  /** Model folder (model.json + weights + manifest.json). */
  readonly modelDir: string;
  /** Backend. Default "auto". */
  readonly backend?: BackendRequest;
}

/** Loads the model (validated against the default front-end) and wraps it as a WindowScorer. */
export async function createScorer(options: unknown): Promise<WindowScorer> {
  const o = options as Partial<ModelScorerOptions> | null;
  if (o === null || typeof o !== "object" || typeof o.modelDir !== "string") throw new UserError(`model scorer: expected options { modelDir: string }, got ${JSON.stringify(options)}`);
  const clf = await loadClassifier(o.modelDir, o.backend === undefined ? {} : { backend: o.backend });
  const m = clf.manifest;
  return {
    labels: clf.labels,
    thresholds: clf.thresholds,
    modelId: `${basename(o.modelDir)}-${m.architecture.name}-${m.createdAt.slice(0, 10)}`,
    score: (windows, n) => Promise.resolve(clf.predict(windows, n)),
    numTensors: () => tf.memory().numTensors,
    dispose: () => clf.dispose(),
  };
}
