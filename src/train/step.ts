/**
 * One training step: binary cross-entropy of the sigmoid outputs (Keras `binary_crossentropy`,
 * probabilities clipped to [1e-7, 1 - 1e-7]), gradients of every trainable variable, optimiser
 * update. `tf.memory().numTensors` is the same before and after (tested).
 */
import * as tf from "@tensorflow/tfjs";
import { setDropoutStep } from "../model/architectures/seeded-dropout.js";
import type { Optimizer } from "./optimizer.js";

/** A batch in host memory. */
export interface Batch {
  /** n x bands x frames mel dB, row-major. */
  readonly x: Float32Array;
  /** n x classes 0/1. */
  readonly y: Float32Array;
  readonly n: number;
}

/** The trainable variables of a layers model, in `model.trainableWeights` order. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * Mean binary cross-entropy (Keras semantics: probabilities clipped to [1e-7, 1 - 1e-7], mean over
 * every element) of predictions `p` against targets `y` of 0 / 1, where a target of -1 (a class
 * nobody claimed, window-store.ts UNKNOWN_LABEL) adds nothing, neither loss nor gradient. The mean
 * still divides by every element, so a batch without unknowns gives Keras's value exactly.
 */
export function bceLoss(y: tf.Tensor, p: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const eps = 1e-7;
    const q = tf.clipByValue(p, eps, 1 - eps);
    const known = tf.cast(tf.greaterEqual(y, 0), "float32");
    const t = tf.relu(y);
    const ll = tf.add(tf.mul(t, tf.log(q)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, q))));
    return tf.neg(tf.mean(tf.mul(known, ll)));
  });
}

/**
 * Loss and gradients of one batch (no update). `grads[i]` belongs to `vars[i]`; the caller
 * disposes them. `dropoutStep` and `stream` seed the dropout masks (seeded-dropout.ts).
 */
export function computeGradients(
  model: tf.LayersModel,
  vars: readonly tf.Variable[],
  batch: Batch,
  dropout: { step: number; stream?: number },
): { loss: number; grads: tf.Tensor[] } {
  const shape = model.inputs[0]?.shape ?? [];
  const [bands, frames] = [shape[1] ?? 0, shape[2] ?? 0];
  const nOut = model.outputs[0]?.shape[1] ?? 0;
  setDropoutStep(model, dropout.step, dropout.stream ?? 0);
  const { value, grads } = tf.tidy(() => {
    const x = tf.tensor4d(batch.x.subarray(0, batch.n * bands * frames), [batch.n, bands, frames, 1]);
    const y = tf.tensor2d(batch.y.subarray(0, batch.n * nOut), [batch.n, nOut]);
    return tf.variableGrads(() => bceLoss(y, model.apply(x, { training: true }) as tf.Tensor), [...vars]);
  });
  const loss = (value.dataSync() as Float32Array)[0] as number;
  value.dispose();
  return { loss, grads: vars.map((v) => grads[v.name] as tf.Tensor) };
}

/** One optimiser step on `batch`; returns the batch loss. */
export function trainStep(
  model: tf.LayersModel,
  vars: readonly tf.Variable[],
  optimizer: Optimizer,
  batch: Batch,
  dropoutStep: number,
): number {
  const { loss, grads } = computeGradients(model, vars, batch, { step: dropoutStep });
  optimizer.apply(grads);
  tf.dispose(grads);
  return loss;
}
