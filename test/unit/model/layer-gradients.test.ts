/**
 * Every layer type the architectures use, trained on wasm (with timbrescope's kernels) against the
 * cpu backend: gradients of a loss w.r.t. the input and every trainable weight. And the fused
 * batch norm against tfjs-layers' own BatchNormalization (an independent formula) on cpu.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { BatchNorm } from "../../../src/model/architectures/batch-norm.js";
import { expectAllClose } from "../../helpers/close.js";
import { maxAbs, onBackend, randomArray, readyBackends } from "../../helpers/tf-backends.js";

beforeAll(readyBackends);

/** Gradients of sum(model(x) * w) w.r.t. x and every trainable weight, in training mode. */
function gradients(model: tf.LayersModel, xData: Float32Array, xShape: number[]): () => tf.Tensor[] {
  return () => {
    const x = tf.tensor(xData, xShape);
    const out = model.apply(x, { training: true }) as tf.Tensor;
    const w = tf.tensor(randomArray(out.size, 99), out.shape);
    const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
    const grads =
      vars.length === 0 ? {} : tf.variableGrads(() => tf.sum(tf.mul(model.apply(x, { training: true }) as tf.Tensor, w)), vars).grads;
    const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(model.apply(xx, { training: true }) as tf.Tensor, w)))(x);
    return [dx, ...vars.map((v) => grads[v.name] as tf.Tensor)];
  };
}

function single(layer: tf.layers.Layer, inputShape: number[], seedLayers: tf.layers.Layer[] = []): tf.LayersModel {
  const input = tf.input({ shape: inputShape });
  let y = input;
  for (const l of [...seedLayers, layer]) y = l.apply(y) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: y });
}

const glorot = (seed: number): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed });

const CASES: Array<{ name: string; make: () => tf.LayersModel; x: number[] }> = [
  { name: "max-pool 2x2 (odd width)", make: () => single(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }), [8, 7, 3]), x: [2, 8, 7, 3] },
  { name: "max-pool 3x3", make: () => single(tf.layers.maxPooling2d({ poolSize: 3, strides: 3 }), [9, 8, 2]), x: [2, 9, 8, 2] },
  { name: "batch norm (fused gradient)", make: () => single(new BatchNorm({}), [6, 5, 4]), x: [3, 6, 5, 4] },
  { name: "ELU", make: () => single(tf.layers.elu(), [5, 4, 3]), x: [2, 5, 4, 3] },
  {
    name: "dense + sigmoid",
    make: () => single(tf.layers.dense({ units: 7, activation: "sigmoid", kernelInitializer: glorot(3) }), [11]),
    x: [4, 11],
  },
  {
    name: "GRU over 5 steps",
    make: () =>
      single(
        tf.layers.gru({ units: 6, kernelInitializer: glorot(4), recurrentInitializer: tf.initializers.orthogonal({ seed: 5 }) }),
        [5, 8],
      ),
    x: [3, 5, 8],
  },
  {
    name: "conv block (conv 3x3 same, BN, ELU, pool)",
    make: () => {
      const input = tf.input({ shape: [10, 9, 2] });
      const c = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", kernelInitializer: glorot(6) }).apply(input);
      const b = new BatchNorm({}).apply(c);
      const e = tf.layers.elu().apply(b);
      const p = tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(e) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: p });
    },
    x: [3, 10, 9, 2],
  },
];

describe("layer gradients on wasm vs cpu", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      await tf.setBackend("cpu");
      const model = c.make();
      const xData = randomArray(
        c.x.reduce((a, b) => a * b, 1),
        7,
      ).map((v) => 3 * v);
      const cpu = await onBackend("cpu", gradients(model, xData, c.x));
      const wasm = await onBackend("wasm", gradients(model, xData, c.x));
      expect(wasm.length).toBe(cpu.length);
      cpu.forEach((ref, i) =>
        expectAllClose(
          wasm[i] as Float32Array,
          ref,
          2e-5 * maxAbs(ref) + 1e-6,
          `${c.name}: gradient ${i === 0 ? "dx" : `of weight ${i - 1}`}`,
        ),
      );
      model.dispose();
    });
  }
});

describe("fused batch norm vs tfjs-layers BatchNormalization (cpu)", () => {
  it("gives the same training output, gradients and moving statistics", async () => {
    await tf.setBackend("cpu");
    const shape = [4, 5, 3, 6];
    const xData = randomArray(4 * 5 * 3 * 6, 17).map((v, i) => 2 * v + (i % 6)); // per-channel offsets
    const ours = single(new BatchNorm({ momentum: 0.99, epsilon: 1e-3 }), shape.slice(1));
    const ref = single(tf.layers.batchNormalization({ axis: -1, momentum: 0.99, epsilon: 1e-3 }), shape.slice(1));
    // Same non-trivial gamma/beta in both (tfjs-layers orders weights gamma, beta, moving mean, moving variance too).
    const weights = [Float32Array.from({ length: 6 }, (_, i) => 0.5 + 0.1 * i), Float32Array.from({ length: 6 }, (_, i) => 0.2 * i - 0.3)];
    for (const m of [ours, ref])
      m.setWeights([tf.tensor(weights[0] as Float32Array), tf.tensor(weights[1] as Float32Array), tf.zeros([6]), tf.ones([6])]);
    const run = (m: tf.LayersModel) => (): tf.Tensor[] => [
      m.apply(tf.tensor(xData, shape), { training: true }) as tf.Tensor,
      ...gradients(m, xData, shape)(),
    ];
    const a = await onBackend("cpu", run(ours));
    const b = await onBackend("cpu", run(ref));
    b.forEach((r, i) => expectAllClose(a[i] as Float32Array, r, 1e-5 * maxAbs(r) + 1e-6, `output/gradient ${i}`));
    const stats = (m: tf.LayersModel): Float32Array[] =>
      m
        .getWeights()
        .slice(2)
        .map((t) => Float32Array.from(t.dataSync()));
    stats(ref).forEach((r, i) => expectAllClose(stats(ours)[i] as Float32Array, r, 1e-5 * maxAbs(r), `moving statistic ${i}`));
  });
});
