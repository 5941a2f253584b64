/**
 * The ScorerSpec of a model folder: src/model/scorer.ts's createScorer (the Classifier as a
 * WindowScorer), loadable in a worker thread. Kept apart from scorer.ts so that building the spec
 * (live's and analyze's start-up, `--help`) does not load TensorFlow.js.
 */
import { siblingModule } from "../pipeline/dev-ts-loader.js";
import type { ScorerSpec } from "../pipeline/scorer.js";

/** The spec that loads the model in `modelDir` (model.json + weights + manifest.json). */
export function modelScorerSpec(modelDir: string): ScorerSpec {
  return { module: siblingModule(import.meta.url, "./scorer").href, exportName: "createScorer", options: { modelDir } };
}
