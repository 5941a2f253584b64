/**
 * The CRNN of Gururani et al. 2018 Table 1 (right) / §3.2.3: four conv blocks (3x3, 64/128/256/256
 * filters, BN + ELU, max-pool 2 each), then a GRU of 256 units over time and 18 sigmoid outputs
 * from its last state. "Only the depth and height of the final Conv layer output is flattened":
 * the 6 x 5 x 256 map (bands x frames x channels) becomes 5 time steps of 6 * 256 = 1536 features.
 */
import * as tf from "@tensorflow/tfjs";
import { SeedSource, convBlock } from "./layers.js";
import type { ArchitectureSpec } from "./spec.js";
import { scaledWidth } from "./spec.js";

/** Filters and pool sizes of the conv blocks (Table 1). */
export const CRNN_BLOCKS = [
  { filters: 64, pool: 2 },
  { filters: 128, pool: 2 },
  { filters: 256, pool: 2 },
  { filters: 256, pool: 2 },
] as const;
/** GRU units. */
export const CRNN_GRU = 256;

/** Builds the CRNN for `spec` with initialisers seeded from `seed`. */
export function buildCrnn(spec: ArchitectureSpec, seed: number): tf.LayersModel {
  const seeds = new SeedSource(seed);
  const [bands, frames] = spec.inputShape;
  const input = tf.input({ shape: [bands, frames, 1], name: "mel" });
  let x = input;
  let h = bands;
  let w = frames;
  let c = 1;
  CRNN_BLOCKS.forEach((b, i) => {
    c = scaledWidth(spec, b.filters);
    x = convBlock(x, { filters: c, pool: [b.pool, b.pool], name: `block${i + 1}`, seeds });
    h = Math.floor(h / b.pool);
    w = Math.floor(w / b.pool);
  });
  // [bands, frames, ch] -> [frames, bands, ch] -> [frames, bands * ch]: time becomes the sequence axis.
  x = tf.layers.permute({ dims: [2, 1, 3], name: "time_major" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [w, h * c], name: "flatten_freq" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .gru({ units: scaledWidth(spec, CRNN_GRU), kernelInitializer: seeds.glorot(), recurrentInitializer: seeds.orthogonal(), name: "gru" })
    .apply(x) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: spec.nClasses, activation: "sigmoid", kernelInitializer: seeds.glorot(), name: "activity" })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: "crnn" });
}
