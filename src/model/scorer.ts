/**
 * The model as a pipeline MelScorer (src/pipeline/mel-scorer.ts): a module the scorer workers of `live`
 * and `analyze` load through a ScorerSpec, e.g.
 *   { module: <url of this file>, exportName: "createScorer", options: { modelDir: "models/cnn" } }
 *
 * Engine: `auto` runs the network on ONNX Runtime when onnxruntime-node loads and the network
 * converts (CNN, MLP), else on TensorFlow.js (`auto` backend order); `onnxruntime` insists on the
 * former; `tensorflow` / `wasm` / `cpu` pick a tfjs backend. The ONNX Runtime path reads the
 * model folder without TensorFlow.js, and runs the convolutions in int8 when the folder has
 * int8.json (onnx/quantize.ts; `onnxruntime-fp32` keeps them float). Int8 scores differ from float
 * ones by a few thousandths, so the model id says which arithmetic produced them (catalog results
 * are keyed by it).
 */
import { basename } from "node:path";
import { UserError, oneLine } from "../errors.js";
import { log } from "../log.js";
import type { MelScorer } from "../pipeline/mel-scorer.js";
import type { ModelManifest } from "./manifest.js";
import { loadOrtClassifier } from "./onnx/ort-classifier.js";
import type { ScorerEngineOptions } from "./scorer-spec.js";
import { definedFields } from "../defined-fields.js";

/** Options of {@link createScorer} (plain data: they cross into the worker). */
export interface ModelScorerOptions extends ScorerEngineOptions {
  /** Model folder (model.json + weights + manifest.json). */
  readonly modelDir: string;
}

/**
 * A model's name in logs, activation files and catalogs: folder, architecture and creation time to
 * the minute (UTC), e.g. `default-cnn-2026-12-07T2325` (with the day alone, every model made on one
 * day was `default-cnn-<day>`).
 */
function modelId(dir: string, m: ModelManifest): string {
  const at = m.createdAt.slice(0, 16).replace(":", "");
  return `${basename(dir)}-${m.architecture.name}-${at}`;
}

async function ortScorer(o: ModelScorerOptions): Promise<MelScorer> {
  const precision = o.backend === "onnxruntime-fp32" ? "fp32" : undefined;
  const clf = await loadOrtClassifier(o.modelDir, definedFields({ threads: o.threads, precision }));
  log.debug(`inference: ${clf.description}`);
  return {
    labels: clf.labels,
    thresholds: clf.thresholds,
    modelId: `${modelId(o.modelDir, clf.manifest)}${clf.precision === "int8" ? "-int8" : ""}`,
    engine: clf.description,
    scoreMel: clf.predict,
    dispose: clf.dispose,
  };
}

/** Loads the model (validated against the default front-end) and wraps it as a MelScorer. */
export async function createScorer(options: unknown): Promise<MelScorer> {
  const o = options as Partial<ModelScorerOptions> | null;
  if (o === null || typeof o !== "object" || typeof o.modelDir !== "string")
    throw new UserError(`model scorer: expected options { modelDir: string }, got ${JSON.stringify(options)}`);
  const opts = o as ModelScorerOptions;
  const request = opts.backend ?? "auto";
  if (request === "onnxruntime" || request === "onnxruntime-fp32" || request === "auto") {
    try {
      return await ortScorer(opts);
    } catch (err) {
      // A bad model folder is the user's to fix whatever the engine; anything else falls back to
      // tfjs under auto and is the error under --backend onnxruntime(-fp32).
      if (err instanceof UserError) throw err;
      if (request !== "auto") throw new UserError(`--backend ${request}: ${oneLine(err)}`);
      log.debug(`onnxruntime not used (${oneLine(err)}); running on TensorFlow.js`);
    }
  }
  // TensorFlow.js loads only here: workers on ONNX Runtime never import it (≈ 0.4 s of start-up).
  const [tf, { currentBackend }, { loadClassifier }] = await Promise.all([
    import("@tensorflow/tfjs"),
    import("./backend.js"),
    import("./classifier.js"),
  ]);
  const clf = await loadClassifier(opts.modelDir, { backend: request });
  return {
    engine: currentBackend()?.description ?? tf.getBackend(),
    labels: clf.labels,
    thresholds: clf.thresholds,
    modelId: modelId(opts.modelDir, clf.manifest),
    scoreMel: (mel, n) => Promise.resolve(clf.predict(mel, n)),
    numTensors: () => tf.memory().numTensors,
    dispose: () => clf.dispose(),
  };
}
