/**
 * `BatchMatMul` for the wasm backend that transposes explicitly.
 *
 * tfjs-backend-wasm 4.22 hands A·B to XNNPACK only when neither operand is transposed; with
 * `transposeA` or `transposeB` it runs a scalar loop, ~10x slower (measured 2 vs 20-29 GFLOP/s
 * on [128 x 66048]·[66048 x 64]). Every dense layer's backward pass needs both transposed forms
 * (dW = xᵀ·dy, dx = dy·Wᵀ), so they dominated MLP and GRU training. Transposing with wasm's
 * Transpose kernel first costs one pass over the operand and keeps the product on the fast path.
 */
import * as tf from "@tensorflow/tfjs";
import { stockKernel, withScratch } from "./kernel-util.js";
import type { SingleKernelFunc } from "./kernel-util.js";

/** Kernel name (tfjs-core's constant). */
export const BATCH_MAT_MUL = tf.BatchMatMul;

/** Permutation swapping the last two axes of a rank-`rank` tensor. */
function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/** The kernel function: explicit transposes, then the stock (XNNPACK) non-transposed product. */
export const batchMatMulFast: SingleKernelFunc = ({ inputs, backend, attrs }) => {
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
  if (!transposeA && !transposeB) return stockKernel(BATCH_MAT_MUL)({ inputs, backend, attrs: { transposeA: false, transposeB: false } });
  return withScratch(backend, (s) => {
    const a2 = transposeA ? s.transpose(a, swapLastTwo(a.shape.length)) : a;
    const b2 = transposeB ? s.transpose(b, swapLastTwo(b.shape.length)) : b;
    return s.run(BATCH_MAT_MUL, { a: a2, b: b2 }, { transposeA: false, transposeB: false });
  });
};
