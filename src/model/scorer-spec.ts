/**
 * The ScorerSpec of a model folder: src/model/scorer.ts's createScorer (the model as a
 * MelScorer), loadable in a worker thread. Kept apart from scorer.ts so that building the spec
 * and parsing `--backend` (live's and analyze's start-up, `--help`) do not load TensorFlow.js.
 */
import { siblingModule } from "../pipeline/dev-ts-loader.js";
import type { ScorerSpec } from "../pipeline/mel-scorer.js";
import { parseBackendChoice } from "./backend-request.js";
import type { BackendRequest } from "./backend-request.js";

/** Inference engines: ONNX Runtime plus the tfjs backends (`auto`: ONNX Runtime when it can). */
export type InferenceRequest = BackendRequest | "onnxruntime" | "onnxruntime-fp32";

const INFERENCE_REQUESTS: readonly InferenceRequest[] = ["auto", "onnxruntime", "onnxruntime-fp32", "tensorflow", "wasm", "cpu"];

/** `--backend` help text of the inference commands. */
export const INFERENCE_BACKEND_HELP =
  "auto | onnxruntime | onnxruntime-fp32 | tensorflow | wasm | cpu (auto: ONNX Runtime when installed and the network converts, else TensorFlow.js; ONNX Runtime runs the convolutions in int8 where the model folder has int8.json, onnxruntime-fp32 keeps them float)";

/** Parses `--backend` for inference commands; throws UserError naming what was received. */
export function parseInferenceRequest(text: string): InferenceRequest {
  return parseBackendChoice(text, INFERENCE_REQUESTS);
}

/** Options of a model scorer besides its folder. */
export interface ScorerEngineOptions {
  /** Engine. Default "auto". */
  readonly backend?: InferenceRequest;
  /** ONNX Runtime intra-op threads per scorer. Default 1 (one scorer per core). */
  readonly threads?: number;
}

/** The spec that loads the model in `modelDir` (model.json + weights + manifest.json). */
export function modelScorerSpec(modelDir: string, engine: ScorerEngineOptions = {}): ScorerSpec {
  return { module: siblingModule(import.meta.url, "./scorer").href, exportName: "createScorer", options: { modelDir, ...engine } };
}
