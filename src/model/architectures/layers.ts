/**
 * Building blocks shared by the architectures: seeded initialisers and the conv block of
 * Gururani et al. 2018 §3.2.2 (3x3 conv, stride 1, 'same' zero padding, batch norm, ELU, max-pool).
 */
import * as tf from "@tensorflow/tfjs";
import { BatchNorm } from "./batch-norm.js";
import { layerSeed } from "./spec.js";

/** A weight initialiser (tfjs-layers does not export the class name itself). */
export type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

/** Hands out one seed per random initialiser, in construction order. */
export class SeedSource {
  private next = 0;
  constructor(private readonly seed: number) {}
  /** A fresh seed (stable for a given construction order). */
  take(): number {
    return layerSeed(this.seed, this.next++);
  }
  /** Glorot-uniform (Keras' default kernel initialiser) with the next seed. */
  glorot(): Initializer {
    return tf.initializers.glorotUniform({ seed: this.take() });
  }
  /** Orthogonal (Keras' default recurrent initialiser) with the next seed. */
  orthogonal(): Initializer {
    return tf.initializers.orthogonal({ seed: this.take() });
  }
}

/** Options of {@link convBlock}. */
export interface ConvBlockOptions {
  readonly filters: number;
  /** Max-pool size and stride, [bands, frames]. */
  readonly pool: readonly [number, number];
  /** Layer name prefix, e.g. "conv1". */
  readonly name: string;
  readonly seeds: SeedSource;
}

/** Conv2D 3x3 'same' -> BatchNorm -> ELU -> MaxPool (valid, stride = pool), applied to `x`. */
export function convBlock(x: tf.SymbolicTensor, o: ConvBlockOptions): tf.SymbolicTensor {
  const conv = tf.layers.conv2d({
    filters: o.filters,
    kernelSize: 3,
    strides: 1,
    padding: "same",
    kernelInitializer: o.seeds.glorot(),
    name: `${o.name}_conv`,
  });
  // Keras' BatchNormalization defaults (momentum 0.99, epsilon 1e-3), over the channel axis.
  const bn = new BatchNorm({ momentum: 0.99, epsilon: 1e-3, name: `${o.name}_bn` });
  const elu = tf.layers.elu({ name: `${o.name}_elu` });
  const pool = tf.layers.maxPooling2d({ poolSize: [...o.pool], strides: [...o.pool], padding: "valid", name: `${o.name}_pool` });
  return pool.apply(elu.apply(bn.apply(conv.apply(x)))) as tf.SymbolicTensor;
}
