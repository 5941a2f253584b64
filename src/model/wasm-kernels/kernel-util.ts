/**
 * Helpers for kernels registered on the tfjs wasm backend: calling wasm's own kernels on raw
 * TensorInfos (no Tensor objects, no tape, no engine bookkeeping) and freeing every intermediate.
 *
 * Kernels run below the engine: what they allocate with a stock kernel is not tracked by
 * `tf.memory()` until they return it, so an intermediate that is not freed here leaks wasm heap
 * silently. {@link Scratch} makes "free everything except the result" the default.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** The kernel function shape tfjs calls (`tf.KernelFunc` narrowed to one output). */
export type SingleKernelFunc = (params: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap }) => tf.TensorInfo;

/** Name of the backend these kernels are registered for. */
export const WASM = "wasm";

/**
 * The stock wasm kernel `name`, captured once before any override, so an override can still call
 * the original (e.g. as a fallback). Throws when wasm has no such kernel.
 */
const stock = new Map<string, SingleKernelFunc>();
export function stockKernel(name: string): SingleKernelFunc {
  let fn = stock.get(name);
  if (fn === undefined) {
    const cfg = tf.getKernel(name, WASM);
    if (cfg === undefined) throw new Error(`wasm backend has no ${name} kernel`);
    fn = cfg.kernelFunc as unknown as SingleKernelFunc;
    stock.set(name, fn);
  }
  return fn;
}

/** Remembers the stock kernel before it is replaced (call before `tf.unregisterKernel`). */
export function captureStockKernel(name: string): void {
  stockKernel(name);
}

/** Runs stock wasm kernels and frees their outputs on `dispose`, except those `keep` returns. */
export class Scratch {
  private readonly owned: tf.TensorInfo[] = [];
  constructor(readonly backend: BackendWasm) {}

  /** Runs stock kernel `name`; the output is freed by {@link dispose} unless kept. */
  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const out = stockKernel(name)({ inputs, backend: this.backend, attrs });
    this.owned.push(out);
    return out;
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run("Transpose", { x }, { perm });
  }

  pad(x: tf.TensorInfo, paddings: Array<[number, number]>): tf.TensorInfo {
    return this.run("PadV2", { x }, { paddings, constantValue: 0 });
  }

  slice(x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
    return this.run("Slice", { x }, { begin, size });
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run("Reshape", { x }, { shape });
  }

  /** Forward NHWC convolution with explicit zero padding already applied ('valid'), stride 1. */
  convValid(x: tf.TensorInfo, filter: tf.TensorInfo): tf.TensorInfo {
    return this.run("Conv2D", { x, filter }, { strides: [1, 1], pad: "valid", dilations: [1, 1], dataFormat: "NHWC" });
  }

  /** Removes `out` from the owned list: the caller returns it to the engine. */
  keep(out: tf.TensorInfo): tf.TensorInfo {
    const i = this.owned.indexOf(out);
    if (i >= 0) this.owned.splice(i, 1);
    return out;
  }

  /** Frees every owned intermediate. */
  dispose(): void {
    for (const t of this.owned) this.backend.disposeData(t.dataId);
    this.owned.length = 0;
  }
}

/** Runs `body` with a Scratch and frees its intermediates whatever happens; returns the kept result. */
export function withScratch(backend: BackendWasm, body: (s: Scratch) => tf.TensorInfo): tf.TensorInfo {
  const s = new Scratch(backend);
  try {
    return s.keep(body(s));
  } finally {
    s.dispose();
  }
}

/** Padding of `n` zeros on both sides of H and W of an NHWC tensor (negative = crop). */
export type Pad2D = { top: number; bottom: number; left: number; right: number };

/** Pads and/or crops H and W of an NHWC tensor so that negative paddings crop rows/columns. */
export function padOrCrop(s: Scratch, x: tf.TensorInfo, p: Pad2D): tf.TensorInfo {
  const [b, h, w, c] = x.shape as [number, number, number, number];
  let y = x;
  const cropT = Math.max(0, -p.top);
  const cropB = Math.max(0, -p.bottom);
  const cropL = Math.max(0, -p.left);
  const cropR = Math.max(0, -p.right);
  if (cropT + cropB + cropL + cropR > 0) y = s.slice(y, [0, cropT, cropL, 0], [b, h - cropT - cropB, w - cropL - cropR, c]);
  const padT = Math.max(0, p.top);
  const padB = Math.max(0, p.bottom);
  const padL = Math.max(0, p.left);
  const padR = Math.max(0, p.right);
  if (padT + padB + padL + padR > 0)
    y = s.pad(y, [
      [0, 0],
      [padT, padB],
      [padL, padR],
      [0, 0],
    ]);
  return y;
}
