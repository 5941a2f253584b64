/**
 * Registers timbrescope's training kernels on the tfjs wasm backend, once per process (each
 * worker thread has its own tfjs and registers its own):
 * - `Conv2DBackpropFilter` (missing from tfjs-backend-wasm 4.22),
 * - `Conv2DBackpropInput` (stock one is a naive loop),
 * - `BatchMatMul` (stock one is a naive loop whenever an operand is transposed),
 * - `Sum` / `Mean` over leading axes (stock ones transpose the whole tensor first),
 * - `MaxPoolGrad` (stock one is slow).
 * Each is checked against the cpu backend's gradients in test/unit/model/wasm-kernels.test.ts.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { BATCH_MAT_MUL, batchMatMulFast } from "./batch-mat-mul.js";
import { CONV2D_BACKPROP_FILTER, conv2dBackpropFilterWasm } from "./conv2d-backprop-filter.js";
import { CONV2D_BACKPROP_INPUT, conv2dBackpropInputFast } from "./conv2d-backprop-input.js";
import { WASM, captureStockKernel } from "./kernel-util.js";
import { MAX_POOL_GRAD, maxPoolGradJs } from "./max-pool-grad.js";
import { MEAN, SUM, meanFast, sumFast } from "./reduce.js";
import type { SingleKernelFunc } from "./kernel-util.js";
import { definedFields } from "../../defined-fields.js";

let registered = false;

/** The kernels this module installs, by name. */
export const WASM_TRAINING_KERNELS: readonly string[] = [
  CONV2D_BACKPROP_FILTER,
  CONV2D_BACKPROP_INPUT,
  BATCH_MAT_MUL,
  SUM,
  MEAN,
  MAX_POOL_GRAD,
];

function install(name: string, fn: SingleKernelFunc): void {
  const stock = tf.getKernel(name, WASM);
  if (stock !== undefined) {
    captureStockKernel(name);
    tf.unregisterKernel(name, WASM);
  }
  // The stock kernel's setupFunc binds its wasm entry point when the backend initialises; our
  // override calls the stock kernel, so it must keep that setup.
  const setupFunc = stock?.setupFunc;
  tf.registerKernel({ kernelName: name, backendName: WASM, kernelFunc: fn as unknown as tf.KernelFunc, ...definedFields({ setupFunc }) });
}

/** Installs the kernels (idempotent). Safe to call before or after the wasm backend is initialised. */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  install(CONV2D_BACKPROP_FILTER, conv2dBackpropFilterWasm);
  install(CONV2D_BACKPROP_INPUT, conv2dBackpropInputFast);
  install(BATCH_MAT_MUL, batchMatMulFast);
  install(SUM, sumFast);
  install(MEAN, meanFast);
  install(MAX_POOL_GRAD, maxPoolGradJs);
  registered = true;
}
