/**
 * Inference on ONNX Runtime (`onnxruntime-node`, native MLAS kernels with AVX2/AVX-512): the
 * model folder's tfjs network is converted in memory to ONNX (convert.ts) and run by an
 * InferenceSession. 3–4x faster per core than tfjs-wasm for the CNN on this machine, so `analyze`,
 * `live` and `bench` use it when the package loads and the network converts; tfjs stays the
 * training backend and the fallback (CRNN, platforms without onnxruntime binaries).
 */
import type { MelParams } from "../../features/params.js";
import { join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { MODEL_FILES, checkNetworkShape, inferenceFrontEnd, readManifest, readModelFiles } from "../model-files.js";
import type { ModelManifest } from "../manifest.js";
import { layersModelToOnnx, networkToOnnx, ONNX_INPUT, ONNX_OUTPUT, unknownInt8Layer } from "./convert.js";
import { networkFromModelJson } from "./network-spec.js";
import { encodeOnnxModel } from "./proto.js";
import { INT8_FILE, readInt8Calibration } from "./int8-calibration.js";
import { UserError } from "../../errors.js";
import type { OnnxGraph } from "./proto.js";

/** The npm package that provides the runtime. */
export const ORT_PACKAGE = "onnxruntime-node";

type Ort = typeof import("onnxruntime-node");

let ortModule: Promise<Ort> | undefined;

/** Imports onnxruntime-node once; rejects when it is not installed or its binary does not load. */
export function loadOrt(): Promise<Ort> {
  ortModule ??= import(ORT_PACKAGE) as Promise<Ort>;
  return ortModule;
}

/** A model folder on ONNX Runtime: the Classifier's fields with an asynchronous predict. */
export interface OrtClassifier extends OrtPredictor {
  /** What the convolutions compute in. */
  readonly precision: Precision;
  readonly labels: readonly string[];
  readonly thresholds: Float32Array;
  readonly manifest: ModelManifest;
  readonly windowShape: readonly [number, number];
}

/** Options of {@link loadOrtClassifier}. */
export interface OrtOptions {
  /** Intra-op threads of the session. Default 1 (callers run one scorer per core). */
  readonly threads?: number;
  /** The front-end the model must match. Default DEFAULT_MEL_PARAMS. */
  readonly melParams?: MelParams;
  /** Windows per session run. Default 64. */
  readonly batchSize?: number;
  /** Warm-up runs at load. Default 2. */
  readonly warmup?: number;
  /**
   * "int8": run the convolutions in int8 with the folder's int8.json (quantize.ts); "fp32": all
   * float. Default "int8" when the folder has int8.json, else "fp32".
   */
  readonly precision?: Precision;
}

/** Arithmetic of the convolutions on ONNX Runtime. */
export type Precision = "int8" | "fp32";

/** A network opened on ONNX Runtime. */
export interface OrtPredictor {
  /** One line for logs, e.g. "onnxruntime 1.30.0 (cpu, 1 thread)". */
  readonly description: string;
  /** Scores n windows (n x bands x frames, row-major); n x outputs scores. */
  readonly predict: (windows: Float32Array, n: number) => Promise<Float32Array>;
  readonly dispose: () => Promise<void>;
}

/**
 * Converts an in-memory tfjs network (CNN / MLP) to ONNX and opens a session for it. The tfjs
 * network is left as it is (the caller disposes it).
 * @throws UnsupportedNetworkError when the network cannot be converted
 */
export async function ortPredictor(model: tf.LayersModel, opts: OrtOptions = {}): Promise<OrtPredictor> {
  return graphPredictor(layersModelToOnnx(model), opts);
}

async function graphPredictor(graph: OnnxGraph, opts: OrtOptions, precision: Precision = "fp32"): Promise<OrtPredictor> {
  const ort = await loadOrt();
  const [, bands, frames] = graph.inputs[0]?.shape as [string, number, number, number];
  const nOut = graph.outputs[0]?.shape[1] as number;
  const per = bands * frames;
  const threads = Math.max(1, Math.floor(opts.threads ?? 1));
  const session = await ort.InferenceSession.create(encodeOnnxModel(graph), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    executionMode: "sequential",
  });
  const batchSize = opts.batchSize ?? 64;
  const predict = async (windows: Float32Array, n: number): Promise<Float32Array> => {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`predict: n must be a non-negative integer, got ${n}`);
    if (windows.length < n * per)
      throw new RangeError(`predict: ${n} windows of ${bands} x ${frames} need ${n * per} values, got ${windows.length}`);
    const out = new Float32Array(n * nOut);
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const input = new ort.Tensor("float32", windows.subarray(start * per, (start + m) * per), [m, bands, frames, 1]);
      const result = await session.run({ [ONNX_INPUT]: input });
      const y = result[ONNX_OUTPUT];
      if (y === undefined) throw new Error(`onnxruntime returned no "${ONNX_OUTPUT}" output`);
      out.set(y.data as Float32Array, start * nOut);
      for (const t of Object.values(result)) t.dispose();
    }
    return out;
  };
  const warm = opts.warmup ?? 2;
  for (let i = 0; i < warm; i++) await predict(new Float32Array(per), 1);
  return {
    description: `onnxruntime ${ort.env.versions.node ?? ort.env.versions.common} (cpu, ${threads} thread${threads === 1 ? "" : "s"}, ${precision})`,
    predict,
    dispose: () => session.release(),
  };
}

/**
 * Loads a model folder (validated like loadClassifier), converts it to ONNX and opens a session.
 * @throws UnsupportedNetworkError when the network cannot be converted (e.g. the CRNN), the
 * loader's UserError for a bad model folder, or the import error when onnxruntime-node is missing
 */
export async function loadOrtClassifier(dir: string, opts: OrtOptions = {}): Promise<OrtClassifier> {
  await loadOrt(); // fail before reading the folder when the runtime is missing (auto then falls back to tfjs)
  // Validated like loadClassifier's folders: the same label rule and shape checks.
  const manifest = await readManifest(dir, await inferenceFrontEnd(dir, opts.melParams));
  const files = await readModelFiles(join(dir, MODEL_FILES.topology));
  const net = networkFromModelJson(files.json, files.specs, files.weights);
  checkNetworkShape(dir, manifest, [null, ...net.inputShape], net.nOut);
  const calibration = opts.precision === "fp32" ? undefined : await readInt8Calibration(dir, files.weights);
  if (opts.precision === "int8" && calibration === undefined)
    throw new UserError(`${dir}: no ${INT8_FILE} (int8 needs calibrated ranges: node dist/scripts/calibrate-int8.js ${dir} AUDIO...)`);
  const unknown = calibration === undefined ? undefined : unknownInt8Layer(net, calibration.layers);
  if (unknown !== undefined) throw new UserError(`${join(dir, INT8_FILE)}: names ${unknown}, which is not a convolution of this network`);
  const precision: Precision = calibration === undefined ? "fp32" : "int8";
  const predictor = await graphPredictor(networkToOnnx(net, calibration?.layers), opts, precision);
  return {
    precision,
    labels: manifest.labels,
    thresholds: Float32Array.from(manifest.thresholds),
    manifest,
    windowShape: [manifest.inputShape[0], manifest.inputShape[1]],
    ...predictor,
  };
}
