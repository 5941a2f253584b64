/**
 * Fast `Conv2DBackpropInput` for the wasm backend (the input gradient of a convolution).
 *
 * tfjs-backend-wasm 4.22 computes it with a naive loop, ~12x slower than the forward conv (see
 * docs/training-on-wasm.md). For stride 1 the input gradient is itself a forward
 * convolution ("full" correlation with the flipped kernel; Dumoulin & Visin, "A guide to
 * convolution arithmetic", 2016, §4.1):
 *
 *   dx[n, i, j, ci] = sum_{a, b, co} dy[n, i + padTop - a, j + padLeft - b, co] * w[a, b, ci, co]
 *                   = valid_conv(pad(dy), rot180(w) with ci/co swapped)
 *
 * with dy padded by (kh - 1 - padTop, kh - 1 - padBottom) rows and (kw - 1 - padLeft,
 * kw - 1 - padRight) columns. That runs on wasm's XNNPACK Conv2D (~30 GFLOP/s on one core).
 * Strides > 1 (not used by timbrescope's models) and NCHW fall back to the stock kernel.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { padOrCrop, stockKernel, withScratch } from "./kernel-util.js";
import type { SingleKernelFunc } from "./kernel-util.js";
import { definedFields } from "../../defined-fields.js";

/** Kernel name (tfjs-core's constant). */
export const CONV2D_BACKPROP_INPUT = tf.Conv2DBackpropInput;

/** The fast input-gradient kernel function (falls back to the stock one where it does not apply). */
export const conv2dBackpropInputFast: SingleKernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(a.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    a.inputShape,
    filter.shape as [number, number, number, number],
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    dataFormat,
  );
  if (info.dataFormat !== "channelsLast" || info.strideHeight !== 1 || info.strideWidth !== 1) {
    return stockKernel(CONV2D_BACKPROP_INPUT)({ inputs, backend, ...definedFields({ attrs }) });
  }
  return inputGradStride1(backend, dy, filter, info);
};

function inputGradStride1(backend: BackendWasm, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inHeight, inWidth } = info;
  const { top, left } = info.padInfo;
  const [, h, w] = dy.shape as [number, number, number, number];
  const padTop = kh - 1 - top;
  const padLeft = kw - 1 - left;
  // dy padded must hold inHeight + kh - 1 rows for a 'valid' conv to give inHeight rows.
  const padBottom = inHeight + kh - 1 - h - padTop;
  const padRight = inWidth + kw - 1 - w - padLeft;
  return withScratch(backend, (s) => {
    const dyPadded = padOrCrop(s, dy, { top: padTop, bottom: padBottom, left: padLeft, right: padRight });
    const flipped = s.run("Reverse", { x: filter }, { dims: [0, 1] });
    const swapped = s.transpose(flipped, [0, 1, 3, 2]);
    return s.convValid(dyPadded, swapped);
  });
}
