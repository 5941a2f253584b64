/**
 * Size and cost of a network: trainable/total parameter counts and floating-point operations per
 * input window (one 96 x 87 mel window), counted layer by layer from the built model.
 *
 * Counting rule: a multiply-add is 2 FLOPs (as in the paper-level figures of
 * docs/training-on-wasm.md: CNN ≈ 782 MFLOP, CRNN ≈ 771 MFLOP, MLP ≈ 4.6 MFLOP);
 * element-wise layers count their per-element operations (batch norm at inference 2, ELU/ReLU/
 * sigmoid 1, a max-pool window its size). Reshapes, dropout and flatten are free. Training costs
 * roughly 3x the forward figure (forward, input gradient, weight gradient).
 */
import type * as tf from "@tensorflow/tfjs";

/** One layer's share. */
export interface LayerStats {
  readonly name: string;
  readonly className: string;
  readonly outputShape: readonly (number | null)[];
  readonly params: number;
  readonly flops: number;
}

/** A model's totals and per-layer breakdown. */
export interface ModelStats {
  /** All weights, including batch-norm moving statistics. */
  readonly params: number;
  readonly trainableParams: number;
  /** Forward FLOPs for one window. */
  readonly flopsPerWindow: number;
  readonly layers: readonly LayerStats[];
}

type Shape = readonly (number | null)[];

const elements = (shape: Shape): number => shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);

function shapeOf(s: tf.Shape | tf.Shape[]): Shape {
  return Array.isArray(s[0]) ? s[0] : (s as tf.Shape);
}

function layerFlops(layer: tf.layers.Layer): number {
  const out = shapeOf(layer.outputShape);
  const input = layer.input;
  const inp = (Array.isArray(input) ? (input[0] as tf.SymbolicTensor) : input).shape as Shape;
  const cfg = layer.getConfig();
  const nOut = elements(out);
  const activation = typeof cfg["activation"] === "string" && cfg["activation"] !== "linear" ? nOut : 0;
  switch (layer.getClassName()) {
    case "Conv2D": {
      const k = cfg["kernelSize"] as number[];
      const cin = inp[inp.length - 1] ?? 1;
      return 2 * nOut * (k[0] ?? 1) * (k[1] ?? 1) * cin + nOut + activation;
    }
    case "Dense": {
      const nIn = inp[inp.length - 1] ?? 1;
      return 2 * nIn * nOut + nOut + activation;
    }
    case "BatchNormalization":
    case "TimbrescopeBatchNorm":
      return 2 * nOut;
    case "ELU":
    case "ReLU":
    case "Activation":
      return nOut;
    case "MaxPooling2D": {
      const p = cfg["poolSize"] as number[];
      return nOut * (p[0] ?? 1) * (p[1] ?? 1);
    }
    case "GRU": {
      const steps = inp[1] ?? 1;
      const nIn = inp[2] ?? 1;
      const u = cfg["units"] as number;
      // 3 gates: input and recurrent products, biases; then ~8 element-wise ops per unit.
      return steps * (3 * (2 * nIn * u + 2 * u * u + 2 * u) + 8 * u);
    }
    default:
      return 0;
  }
}

/** Counts parameters and forward FLOPs per window of `model`. */
export function modelStats(model: tf.LayersModel): ModelStats {
  const layers = model.layers.map((layer) => ({
    name: layer.name,
    className: layer.getClassName(),
    outputShape: shapeOf(layer.outputShape),
    params: layer.countParams(),
    flops: layerFlops(layer),
  }));
  const trainableParams = model.trainableWeights.reduce((a, w) => a + w.shape.reduce<number>((p, d) => p * (d ?? 1), 1), 0);
  return {
    params: model.countParams(),
    trainableParams,
    flopsPerWindow: layers.reduce((a, l) => a + l.flops, 0),
    layers,
  };
}
