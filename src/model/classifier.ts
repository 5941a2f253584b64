/**
 * THE inference API: what the live bridge, `analyze` and `evaluate` call.
 *
 *   const clf = await loadClassifier("models/cnn");          // validates, loads, warms up
 *   const scores = clf.predict(windows, n);                  // n x 18 sigmoid scores, row-major
 *   const active = scores[w * 18 + c] >= clf.thresholds[c];
 *
 * `predict` is synchronous: the backends timbrescope runs on (wasm, cpu, tfjs-node) compute
 * eagerly, so returning a Float32Array without a Promise keeps the live loop simple. Every call
 * runs inside `tf.tidy` and leaves `tf.memory().numTensors` unchanged (tested).
 */
import * as tf from "@tensorflow/tfjs";
import type { MelParams } from "../features/params.js";
import { initBackend } from "./backend.js";
import type { BackendRequest } from "./backend.js";
import { loadModelDir } from "./load.js";
import { inferenceFrontEnd } from "./model-files.js";
import type { ModelManifest } from "./manifest.js";

/** A ready-to-use model. */
export interface Classifier {
  /** Output names in output order (class ids, e.g. "drums"). */
  readonly labels: readonly string[];
  /** Per-class decision thresholds (score >= threshold means active), from the manifest. */
  readonly thresholds: Float32Array;
  readonly manifest: ModelManifest;
  /** Model input [bands, frames] of one window (96 x 87). */
  readonly windowShape: readonly [number, number];
  /**
   * Scores `n` windows. `windows` holds n x bands x frames float32 mel dB values, each window
   * row-major [band][frame] as melWindowDb returns it. Returns n x labels.length sigmoid scores,
   * row-major. Synchronous; large n is processed in chunks of `batchSize`.
   */
  predict(windows: Float32Array, n: number): Float32Array;
  /** Frees the network's weights. */
  dispose(): void;
}

/** Options of {@link loadClassifier} and {@link createClassifier}. */
export interface ClassifierOptions {
  /** Backend to initialise if none is yet (see backend.ts). Default "auto". */
  readonly backend?: BackendRequest;
  /** The live front-end the model must match. Default DEFAULT_MEL_PARAMS. */
  readonly melParams?: MelParams;
  /** Labels the model must have, in order. Default: the 18 class ids when the model has 18 outputs. */
  readonly labels?: readonly string[];
  /** Windows per forward pass inside predict. Default 64. */
  readonly batchSize?: number;
  /** Warm-up predictions at load (first calls are ~2x slower on wasm). Default 2. */
  readonly warmup?: number;
}

/**
 * Scores `n` windows (n x bands x frames, row-major) with `model` in inference mode, `batchSize`
 * at a time; returns n x outputs scores. Leaves no tensors behind.
 */
export function predictWindows(model: tf.LayersModel, windows: Float32Array, n: number, batchSize = 64): Float32Array {
  const shape = model.inputs[0]?.shape ?? [];
  const [bands, frames] = [shape[1] ?? 0, shape[2] ?? 0];
  const per = bands * frames;
  const nOut = model.outputs[0]?.shape[1] ?? 0;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`predict: n must be a non-negative integer, got ${n}`);
  if (windows.length < n * per)
    throw new RangeError(`predict: ${n} windows of ${bands} x ${frames} need ${n * per} values, got ${windows.length}`);
  const out = new Float32Array(n * nOut);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const y = tf.tidy(() => {
      const x = tf.tensor4d(windows.subarray(start * per, (start + m) * per), [m, bands, frames, 1]);
      return model.predict(x) as tf.Tensor;
    });
    // Read outside tidy: returning a typed array from tidy makes tfjs walk every element.
    out.set(y.dataSync(), start * nOut);
    y.dispose();
  }
  return out;
}

/** Wraps an in-memory network and its manifest (training and evaluation use this). */
export function createClassifier(model: tf.LayersModel, manifest: ModelManifest, opts: ClassifierOptions = {}): Classifier {
  const [bands, frames] = [manifest.inputShape[0], manifest.inputShape[1]];
  const per = bands * frames;
  const batchSize = opts.batchSize ?? 64;
  const predict = (windows: Float32Array, n: number): Float32Array => predictWindows(model, windows, n, batchSize);
  const clf: Classifier = {
    labels: manifest.labels,
    thresholds: Float32Array.from(manifest.thresholds),
    manifest,
    windowShape: [bands, frames],
    predict,
    dispose: () => model.dispose(),
  };
  const warm = opts.warmup ?? 2;
  if (warm > 0) {
    const zeros = new Float32Array(per);
    for (let i = 0; i < warm; i++) predict(zeros, 1);
  }
  return clf;
}

/**
 * Loads a model directory (model.json + weights + manifest.json), validating the manifest against
 * the live front-end (MelParams hash, labels, input shape) and warming the network up.
 * @throws UserError naming the differing field on a mismatch
 */
export async function loadClassifier(dir: string, opts: ClassifierOptions = {}): Promise<Classifier> {
  await initBackend(opts.backend ?? "auto");
  const { model, manifest } = await loadModelDir(dir, await inferenceFrontEnd(dir, opts.melParams, opts.labels));
  return createClassifier(model, manifest, opts);
}
