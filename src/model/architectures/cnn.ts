/**
 * The CNN of Gururani et al. 2018 Table 1 (left) / §3.2.2: four conv blocks (3x3, 64/128/256/640
 * filters, BN + ELU, max-pool 2,2,3,3), flatten, FC 128, 18 sigmoid outputs. On a 96 x 87 window
 * the pools leave 2 x 2 x 640 = 2560 features; 2.18 M parameters, ~0.78 GFLOP per window (stats.ts).
 * The FC layer's activation is not stated; ELU, as in the conv blocks, is used.
 */
import * as tf from "@tensorflow/tfjs";
import { SeedSource, convBlock } from "./layers.js";
import type { ArchitectureSpec } from "./spec.js";
import { scaledWidth } from "./spec.js";

/** Filters and pool sizes of the conv blocks (Table 1). */
export const CNN_BLOCKS = [
  { filters: 64, pool: 2 },
  { filters: 128, pool: 2 },
  { filters: 256, pool: 3 },
  { filters: 640, pool: 3 },
] as const;
/** Units of the hidden fully connected layer. */
export const CNN_FC = 128;

/** Builds the CNN for `spec` with initialisers seeded from `seed`. */
export function buildCnn(spec: ArchitectureSpec, seed: number): tf.LayersModel {
  const seeds = new SeedSource(seed);
  const [bands, frames] = spec.inputShape;
  const input = tf.input({ shape: [bands, frames, 1], name: "mel" });
  let x = input;
  CNN_BLOCKS.forEach((b, i) => {
    x = convBlock(x, { filters: scaledWidth(spec, b.filters), pool: [b.pool, b.pool], name: `block${i + 1}`, seeds });
  });
  x = tf.layers.flatten({ name: "flatten" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({ units: scaledWidth(spec, CNN_FC), activation: "elu", kernelInitializer: seeds.glorot(), name: "fc" })
    .apply(x) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: spec.nClasses, activation: "sigmoid", kernelInitializer: seeds.glorot(), name: "activity" })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: "cnn" });
}
