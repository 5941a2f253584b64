/**
 * `Conv2DBackpropFilter` for the wasm backend, which has none in tfjs-backend-wasm 4.22 (training a
 * conv layer on wasm throws without it).
 *
 * For stride 1 the filter gradient is a forward convolution in which the batch axis plays the role
 * of the channels:
 *
 *   dw[a, b, ci, co] = sum_{n, i, j} xp[n, i + a, j + b, ci] * dy[n, i, j, co]
 *
 * where xp is x zero-padded as in the forward pass. Reading xp as a batch of `ci` images
 * [Ci, Hp, Wp, N] and dy as a filter [h, w, N, Co], a 'valid' conv gives [Ci, kh, kw, Co]; one
 * transpose makes it [kh, kw, Ci, Co]. XNNPACK runs that at ~16-20 GFLOP/s on one core, against
 * <0.1 GFLOP/s for a scalar loop. Other strides and NCHW use a direct loop (the cpu backend's
 * algorithm) on the wasm heap: correct, slow, and not used by timbrescope's models.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { padOrCrop, withScratch } from "./kernel-util.js";
import type { SingleKernelFunc } from "./kernel-util.js";

/** Kernel name (tfjs-core's constant). */
export const CONV2D_BACKPROP_FILTER = tf.Conv2DBackpropFilter;

/** The filter-gradient kernel function. */
export const conv2dBackpropFilterWasm: SingleKernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(a.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    a.filterShape,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    dataFormat,
  );
  if (info.dataFormat === "channelsLast" && info.strideHeight === 1 && info.strideWidth === 1)
    return filterGradStride1(backend, x, dy, info);
  return filterGradLoop(backend, x, dy, info);
};

function filterGradStride1(backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inHeight, inWidth, outHeight, outWidth } = info;
  const { top, left } = info.padInfo;
  return withScratch(backend, (s) => {
    // xp needs exactly outHeight + kh - 1 rows (extra rows of a 'valid' pass are never read).
    const xp = padOrCrop(s, x, { top, bottom: outHeight + kh - 1 - inHeight - top, left, right: outWidth + kw - 1 - inWidth - left });
    const images = s.transpose(xp, [3, 1, 2, 0]); // [Ci, Hp, Wp, N]
    const kernel = s.transpose(dy, [1, 2, 0, 3]); // [h, w, N, Co]
    const out = s.convValid(images, kernel); // [Ci, kh, kw, Co]
    return s.transpose(out, [1, 2, 0, 3]);
  });
}

/** Direct summation (any stride, NHWC or NCHW), on the wasm heap. */
function filterGradLoop(backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const out = backend.makeOutput(info.filterShape, "float32");
  // Views are taken after makeOutput: allocating may grow (and so move) the wasm memory.
  const xv = backend.typedArrayFromHeap(x) as Float32Array;
  const dyv = backend.typedArrayFromHeap(dy) as Float32Array;
  const dw = backend.typedArrayFromHeap(out) as Float32Array;
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const last = info.dataFormat === "channelsLast";
  const xAt = (n: number, r: number, c: number, d: number): number =>
    last ? ((n * inHeight + r) * inWidth + c) * ci + d : ((n * ci + d) * inHeight + r) * inWidth + c;
  const dyAt = (n: number, r: number, c: number, d: number): number =>
    last ? ((n * outHeight + r) * outWidth + c) * co + d : ((n * co + d) * outHeight + r) * outWidth + c;
  for (let a = 0; a < kh; a++) {
    const rMin = Math.max(0, Math.ceil((top - a) / sh));
    const rMax = Math.min(outHeight, (inHeight + top - a) / sh);
    for (let b = 0; b < kw; b++) {
      const cMin = Math.max(0, Math.ceil((left - b) / sw));
      const cMax = Math.min(outWidth, (inWidth + left - b) / sw);
      for (let d1 = 0; d1 < ci; d1++) {
        for (let d2 = 0; d2 < co; d2++) {
          let sum = 0;
          for (let n = 0; n < batchSize; n++) {
            for (let r = rMin; r < rMax; r++) {
              const xr = a + r * sh - top;
              for (let c = cMin; c < cMax; c++)
                sum += (xv[xAt(n, xr, b + c * sw - left, d1)] as number) * (dyv[dyAt(n, r, c, d2)] as number);
            }
          }
          dw[((a * kw + b) * ci + d1) * co + d2] = sum;
        }
      }
    }
  }
  return out;
}
