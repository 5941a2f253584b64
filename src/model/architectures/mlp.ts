/**
 * The MLP of Gururani et al. 2018 §3.2.1: the 96 x 87 mel window flattened, 4 hidden layers of
 * 256 units, dropout with keep probability 0.5 after each, 18 sigmoid outputs. The hidden
 * activation is not stated in the paper; ReLU (the Keras default of the time for MLPs) is used.
 *
 * The input is divided by 40 first (a fixed Rescaling layer, no weights): the mel dB values lie in
 * roughly [-60, +20], and fed raw they drove every ReLU of the first layer to one side within the
 * first steps (measured: validation mean AUC stuck at 0.51 with Adam at 1e-3 and at 1e-4). The
 * CNN and CRNN need no such step: their first convolution is followed by batch normalisation.
 */
import * as tf from "@tensorflow/tfjs";
import { SeedSource } from "./layers.js";
import { SeededDropout } from "./seeded-dropout.js";
import type { ArchitectureSpec } from "./spec.js";
import { scaledWidth } from "./spec.js";

/** Hidden layers and their width (paper: 4 x 256). */
export const MLP_HIDDEN = [256, 256, 256, 256] as const;
/** Fixed input scale: dB / 40 (see the module doc). */
export const MLP_INPUT_SCALE = 1 / 40;
/** Dropout rate (paper: keep probability 0.5). */
export const MLP_DROPOUT = 0.5;

/** Builds the MLP for `spec` with initialisers and dropout seeded from `seed`. */
export function buildMlp(spec: ArchitectureSpec, seed: number): tf.LayersModel {
  const seeds = new SeedSource(seed);
  const [bands, frames] = spec.inputShape;
  const input = tf.input({ shape: [bands, frames, 1], name: "mel" });
  const scaled = tf.layers.rescaling({ scale: MLP_INPUT_SCALE, name: "db_scale" }).apply(input) as tf.SymbolicTensor;
  let x = tf.layers.flatten({ name: "flatten" }).apply(scaled) as tf.SymbolicTensor;
  MLP_HIDDEN.forEach((units, i) => {
    x = tf.layers
      .dense({ units: scaledWidth(spec, units), activation: "relu", kernelInitializer: seeds.glorot(), name: `dense${i + 1}` })
      .apply(x) as tf.SymbolicTensor;
    x = new SeededDropout({ rate: MLP_DROPOUT, seed: seeds.take(), name: `dropout${i + 1}` }).apply(x) as tf.SymbolicTensor;
  });
  const out = tf.layers
    .dense({ units: spec.nClasses, activation: "sigmoid", kernelInitializer: seeds.glorot(), name: "activity" })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: "mlp" });
}
