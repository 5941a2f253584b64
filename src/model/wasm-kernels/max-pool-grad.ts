/**
 * `MaxPoolGrad` for the wasm backend as a JavaScript loop over the wasm heap.
 *
 * tfjs-backend-wasm 4.22's kernel took ~390 ms for a 2x2 pool over [32, 96, 87, 64] (a third of
 * the CNN's non-convolution time); one pass that finds each window's maximum per channel and routes
 * dy there takes a few tens of ms. Tie rule as the cpu backend (tfjs-backend-cpu maxPoolPositions):
 * the first maximum in row-major window order (strictly greater replaces), NaN never wins.
 */
import * as tf from "@tensorflow/tfjs";
import type { SingleKernelFunc } from "./kernel-util.js";
import { stockKernel } from "./kernel-util.js";
import { definedFields } from "../../defined-fields.js";

/** Kernel name (tfjs-core's constant). */
export const MAX_POOL_GRAD = tf.MaxPoolGrad;

/** The kernel function (NHWC float32, dilation 1; anything else goes to the stock kernel). */
export const maxPoolGradJs: SingleKernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo; output: tf.TensorInfo };
  const a = attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  if (input.dtype !== "float32" || info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    return stockKernel(MAX_POOL_GRAD)({ inputs, backend, ...definedFields({ attrs }) });
  }
  const out = backend.makeOutput(input.shape, "float32");
  // Views after makeOutput: an allocation may grow (and so move) the wasm memory.
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: ch, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const best = new Float32Array(ch);
  const where = new Int32Array(ch);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = oh * strideHeight - top;
      const rMin = Math.max(0, r0);
      const rMax = Math.min(inHeight, r0 + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const c0 = ow * strideWidth - left;
        const cMin = Math.max(0, c0);
        const cMax = Math.min(inWidth, c0 + filterWidth);
        best.fill(-Infinity);
        where.fill(-1);
        for (let r = rMin; r < rMax; r++) {
          for (let c = cMin; c < cMax; c++) {
            const base = ((n * inHeight + r) * inWidth + c) * ch;
            for (let d = 0; d < ch; d++) {
              const v = x[base + d] as number;
              if (v > (best[d] as number)) {
                best[d] = v;
                where[d] = base + d;
              }
            }
          }
        }
        const gBase = ((n * outHeight + oh) * outWidth + ow) * ch;
        for (let d = 0; d < ch; d++) {
          const at = where[d] as number;
          if (at >= 0) dx[at] = (dx[at] as number) + (g[gBase + d] as number);
        }
      }
    }
  }
  return out;
};
