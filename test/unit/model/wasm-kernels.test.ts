/**
 * timbrescope's wasm training kernels against the cpu backend (tfjs's reference implementation):
 * convolution gradients (filter and input) for the shapes, strides and paddings the models use and
 * a few others, transposed matrix products, leading-axis reductions and max-pool gradients.
 * Tolerances are relative to the magnitude of the result (float32 summation order differs).
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { expectAllClose } from "../../helpers/close.js";
import { maxAbs, onBackend, randomArray, readyBackends } from "../../helpers/tf-backends.js";

beforeAll(readyBackends);

type Pad = "same" | "valid" | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  x: [number, number, number, number];
  k: [number, number];
  cout: number;
  stride: number;
  pad: Pad;
}

const CONV_CASES: ConvCase[] = [
  { x: [2, 9, 8, 3], k: [3, 3], cout: 5, stride: 1, pad: "same" }, // as in the models (3x3 same)
  { x: [3, 12, 11, 1], k: [3, 3], cout: 4, stride: 1, pad: "same" }, // first layer: one input channel
  { x: [2, 10, 7, 4], k: [3, 3], cout: 6, stride: 1, pad: "valid" },
  { x: [1, 12, 11, 2], k: [5, 3], cout: 3, stride: 1, pad: "same" }, // non-square kernel
  {
    x: [2, 8, 9, 3],
    k: [3, 3],
    cout: 2,
    stride: 1,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [2, 9, 9, 3], k: [3, 3], cout: 4, stride: 2, pad: "same" }, // fallback paths
];

describe("convolution gradients on wasm vs cpu", () => {
  for (const c of CONV_CASES) {
    it(`x ${c.x.join("x")}, kernel ${c.k.join("x")} -> ${c.cout}, stride ${c.stride}, pad ${JSON.stringify(c.pad)}`, async () => {
      const xData = randomArray(
        c.x.reduce((a, b) => a * b, 1),
        11,
      );
      const fShape: [number, number, number, number] = [c.k[0], c.k[1], c.x[3], c.cout];
      const fData = randomArray(
        fShape.reduce((a, b) => a * b, 1),
        12,
      );
      const run = (): tf.Tensor[] => {
        const x = tf.tensor4d(xData, c.x);
        const f = tf.tensor4d(fData, fShape);
        const y = tf.conv2d(x, f, c.stride, c.pad);
        const dy = tf.tensor(randomArray(y.size, 13), y.shape);
        const g = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.stride, c.pad), dy)),
        );
        return g([x, f]);
      };
      const [dxCpu, dfCpu] = await onBackend("cpu", run);
      const [dxWasm, dfWasm] = await onBackend("wasm", run);
      expectAllClose(dfWasm as Float32Array, dfCpu as Float32Array, 1e-5 * maxAbs(dfCpu as Float32Array) + 1e-6, "filter gradient");
      expectAllClose(dxWasm as Float32Array, dxCpu as Float32Array, 1e-5 * maxAbs(dxCpu as Float32Array) + 1e-6, "input gradient");
    });
  }

  it("matches at the paper CNN's second layer size (batch 2)", async () => {
    const xShape: [number, number, number, number] = [2, 48, 43, 16];
    const fShape: [number, number, number, number] = [3, 3, 16, 32];
    const xData = randomArray(2 * 48 * 43 * 16, 21);
    const fData = randomArray(3 * 3 * 16 * 32, 22);
    const dyData = randomArray(2 * 48 * 43 * 32, 23);
    const run = (): tf.Tensor[] => {
      const x = tf.tensor4d(xData, xShape);
      const f = tf.tensor4d(fData, fShape);
      const dy = tf.tensor4d(dyData, [2, 48, 43, 32]);
      return tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, 1, "same"), dy)))([
        x,
        f,
      ]);
    };
    const [dxCpu, dfCpu] = await onBackend("cpu", run);
    const [dxWasm, dfWasm] = await onBackend("wasm", run);
    expectAllClose(dfWasm as Float32Array, dfCpu as Float32Array, 1e-5 * maxAbs(dfCpu as Float32Array), "filter gradient");
    expectAllClose(dxWasm as Float32Array, dxCpu as Float32Array, 1e-5 * maxAbs(dxCpu as Float32Array), "input gradient");
  });
});

describe("other kernels on wasm vs cpu", () => {
  it("BatchMatMul with transposed operands (2-D and batched)", async () => {
    const a = randomArray(3 * 7 * 5, 31);
    const b = randomArray(3 * 7 * 4, 32);
    const run = (): tf.Tensor[] => {
      const A = tf.tensor3d(a, [3, 7, 5]);
      const B = tf.tensor3d(b, [3, 7, 4]);
      const A2 = tf.tensor2d(a.subarray(0, 35), [7, 5]);
      const B2 = tf.tensor2d(b.subarray(0, 28), [4, 7]);
      const B3 = tf.tensor2d(b.subarray(0, 20), [4, 5]);
      return [
        tf.matMul(A, B, true, false),
        tf.matMul(B, A, true, false),
        tf.matMul(tf.transpose(A, [0, 2, 1]), tf.transpose(B, [0, 2, 1]), false, true),
        tf.matMul(A2, B2, true, true),
        tf.matMul(A2, B3, false, true),
      ];
    };
    const cpu = await onBackend("cpu", run);
    const wasm = await onBackend("wasm", run);
    cpu.forEach((ref, i) => expectAllClose(wasm[i] as Float32Array, ref, 1e-5 * maxAbs(ref), `product ${i}`));
  });

  it("Sum and Mean over leading axes, keepDims or not, and other axes", async () => {
    const data = randomArray(4 * 5 * 6 * 7, 41);
    const run = (): tf.Tensor[] => {
      const x = tf.tensor4d(data, [4, 5, 6, 7]);
      return [
        tf.sum(x, [0, 1, 2]),
        tf.mean(x, [0, 1, 2], true),
        tf.sum(x, 0),
        tf.mean(x, [0, 1]),
        tf.sum(x, [-1]),
        tf.mean(x, [1, 2]),
        tf.sum(x),
      ];
    };
    const cpu = await onBackend("cpu", run);
    const wasm = await onBackend("wasm", run);
    cpu.forEach((ref, i) => expectAllClose(wasm[i] as Float32Array, ref, 1e-5 * maxAbs(ref) + 1e-6, `reduction ${i}`));
  });

  const POOLS: Array<[number, [number, number, number, number]]> = [
    [2, [2, 9, 7, 3]],
    [3, [1, 8, 8, 2]],
  ];
  for (const [size, shape] of POOLS) {
    it(`MaxPoolGrad, pool ${size} (odd edge dropped)`, async () => {
      const data = randomArray(
        shape.reduce((a, b) => a * b, 1),
        51 + size,
      );
      const run = (): tf.Tensor[] => {
        const x = tf.tensor4d(data, shape);
        const y = tf.maxPool(x, size, size, "valid");
        const dy = tf.tensor(randomArray(y.size, 7), y.shape);
        return [tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(xx as tf.Tensor4D, size, size, "valid"), dy)))(x)];
      };
      const [cpu] = await onBackend("cpu", run);
      const [wasm] = await onBackend("wasm", run);
      expectAllClose(wasm as Float32Array, cpu as Float32Array, 0, "max-pool input gradient");
      expect(maxAbs(cpu as Float32Array)).toBeGreaterThan(0);
    });
  }
});
