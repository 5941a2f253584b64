/**
 * `Sum` and `Mean` over leading axes for the wasm backend.
 *
 * Reducing an NHWC tensor over [N, H, W] (conv bias gradients, batch-norm statistics) makes
 * tfjs-backend-wasm 4.22 transpose the whole tensor so the reduced axes come last, then sum:
 * ~110 ms for [32, 96, 87, 64]. Viewed as an [M, C] matrix (M = N*H*W) it is a column sum, one
 * sequential pass over the wasm heap in JavaScript (float64 accumulators, so it is also more
 * accurate than the stock float32 sum). A product with a row of ones on XNNPACK was tried and is
 * slower (it repacks the whole [M, C] operand). Other reductions (trailing axes, all axes,
 * non-float input) go to the stock kernels.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { stockKernel } from "./kernel-util.js";
import type { SingleKernelFunc } from "./kernel-util.js";
import { definedFields } from "../../defined-fields.js";

/** Kernel names (tfjs-core's constants). */
export const SUM = tf.Sum;
export const MEAN = tf.Mean;

/** Number of leading axes reduced when `axis` is exactly 0..k-1 with 0 < k < rank, else 0. */
export function leadingAxesCount(axis: number | number[], rank: number): number {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  const k = axes.length;
  if (k === 0 || k >= rank) return 0;
  return axes.every((a, i) => a === i) ? k : 0;
}

function reduceLeading(name: string, scale: "sum" | "mean"): SingleKernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const k = x.dtype === "float32" ? leadingAxesCount(axis, x.shape.length) : 0;
    const m = x.shape.slice(0, k).reduce((a, d) => a * d, 1);
    if (k === 0 || m === 0) return stockKernel(name)({ inputs, backend, ...definedFields({ attrs }) });
    const rest = x.shape.slice(k);
    const c = rest.reduce((a, d) => a * d, 1);
    const outShape = keepDims ? [...new Array<number>(k).fill(1), ...rest] : rest;
    return columnSums(backend, x, m, c, scale === "mean" ? 1 / m : 1, outShape);
  };
}

/** Column sums of x viewed as [m, c], times `value`, as a new float32 tensor of `outShape`. */
function columnSums(backend: BackendWasm, x: tf.TensorInfo, m: number, c: number, value: number, outShape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(outShape, "float32");
  // Views after makeOutput: an allocation may grow (and so move) the wasm memory.
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const acc = new Float64Array(c);
  for (let r = 0; r < m; r++) {
    const base = r * c;
    for (let j = 0; j < c; j++) acc[j] = (acc[j] as number) + (src[base + j] as number);
  }
  for (let j = 0; j < c; j++) dst[j] = (acc[j] as number) * value;
  return out;
}

/** Sum over leading axes as a column sum. */
export const sumFast: SingleKernelFunc = reduceLeading(SUM, "sum");
/** Mean over leading axes as a column sum. */
export const meanFast: SingleKernelFunc = reduceLeading(MEAN, "mean");
