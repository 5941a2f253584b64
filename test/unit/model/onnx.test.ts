/**
 * ONNX Runtime inference: the in-memory tfjs -> ONNX conversion must score exactly like tfjs
 * (the reference: tfjs's plain-JS backend) for the CNN and MLP, including trained batch-norm
 * statistics, rescaling and the NHWC flatten order; the shipped model on real audio; and the
 * engine choice (auto falls back to tfjs for the CRNN, `onnxruntime` says why it cannot).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadMono } from "../../../src/audio/load.js";
import { CLASSES } from "../../../src/data/classes.js";
import { DEFAULT_MEL_PARAMS } from "../../../src/features/params.js";
import { melWindowDb } from "../../../src/features/mel.js";
import { rmsNormalize } from "../../../src/features/normalize.js";
import { buildModel, paperSpec } from "../../../src/model/architectures/index.js";
import { initBackend } from "../../../src/model/backend.js";
import { loadClassifier } from "../../../src/model/classifier.js";
import { buildManifest } from "../../../src/model/manifest.js";
import { layersModelToOnnx, UnsupportedNetworkError } from "../../../src/model/onnx/convert.js";
import { loadOrtClassifier, ortPredictor } from "../../../src/model/onnx/ort-classifier.js";
import { saveModelDir } from "../../../src/model/save.js";
import { parseInferenceRequest } from "../../../src/model/scorer-spec.js";
import { createScorer } from "../../../src/model/scorer.js";
import { modelStats } from "../../../src/model/stats.js";
import { expectAllClose } from "../../helpers/close.js";
import { randomArray } from "../../helpers/tf-backends.js";

const LABELS = CLASSES.map((c) => c.id);
const PER = 96 * 87;

beforeAll(async () => {
  await initBackend("cpu");
});

/** Seeded random biases and batch-norm statistics (kernels keep their Glorot values), so batch norm is not the identity. */
function randomiseWeights(model: tf.LayersModel, seed: number): void {
  let s = seed;
  const around =
    (centre: number, spread: number) =>
    (x: number): number =>
      centre + x * spread; // x in [-1, 1)
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length === 0) continue;
    layer.setWeights(
      layer.weights.map((w, i) => {
        const t = ws[i] as tf.Tensor;
        const name = w.originalName.split("/").pop() ?? "";
        const f = {
          bias: around(0, 0.1),
          gamma: around(1, 0.5),
          beta: around(0, 0.2),
          moving_mean: around(0, 0.3),
          moving_variance: around(1.5, 1),
        }[name];
        return f === undefined ? t : tf.tensor(randomArray(t.size, s++).map(f), t.shape);
      }),
    );
  }
}

async function saved(arch: "cnn" | "mlp" | "crnn", widthScale: number, seed: number): Promise<{ dir: string; model: tf.LayersModel }> {
  const dir = mkdtempSync(join(tmpdir(), `ts-onnx-${arch}-`));
  const model = buildModel(paperSpec(arch, { widthScale }), seed);
  randomiseWeights(model, seed * 100);
  const s = modelStats(model);
  await saveModelDir(
    dir,
    model,
    buildManifest({
      labels: LABELS,
      melParams: DEFAULT_MEL_PARAMS,
      architecture: paperSpec(arch, { widthScale }),
      params: s.params,
      trainableParams: s.trainableParams,
      flopsPerWindow: s.flopsPerWindow,
      thresholds: LABELS.map(() => 0.5),
      training: null,
      validation: null,
    }),
  );
  return { dir, model };
}

function tfjsScores(model: tf.LayersModel, windows: Float32Array, n: number): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor4d(windows, [n, 96, 87, 1])) as tf.Tensor).dataSync() as Float32Array);
}

const windowsOf = (n: number, seed: number, scale = 2): Float32Array => randomArray(n * PER, seed).map((v) => scale * v);

describe("tfjs -> ONNX conversion", () => {
  for (const [arch, width] of [
    ["cnn", 0.25],
    ["mlp", 0.125],
  ] as const) {
    it(`scores a ${arch} (random weights, trained-like batch-norm statistics) like tfjs within 1e-5`, async () => {
      const { dir, model } = await saved(arch, width, arch === "cnn" ? 3 : 4);
      const n = 5;
      const windows = windowsOf(n, 11, arch === "mlp" ? 80 : 2); // the MLP divides its dB input by 40
      const ref = tfjsScores(model, windows, n);
      // Not a degenerate reference: the scores spread over (0, 1).
      expect(Math.max(...ref) - Math.min(...ref)).toBeGreaterThan(0.2);
      const clf = await loadOrtClassifier(dir, { warmup: 0, batchSize: 2 });
      expect(clf.labels).toEqual(LABELS);
      expect(clf.description).toMatch(/^onnxruntime \d+\.\d+/);
      expectAllClose(await clf.predict(windows, n), ref, 1e-5, `${arch} onnxruntime vs tfjs`);
      await clf.dispose();
      model.dispose();
    });
  }

  it("converts an ELU layer (as Max / Exp / Min, no Elu node) like tfjs", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [96, 87, 1],
          filters: 2,
          kernelSize: 3,
          kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
        }),
        tf.layers.elu(),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }),
      ],
    });
    const windows = windowsOf(3, 21);
    const ops = layersModelToOnnx(model).nodes.map((n) => n.opType);
    expect(ops).not.toContain("Elu");
    expect(ops).toEqual(expect.arrayContaining(["Min", "Exp", "Sub", "Max"]));
    const ort = await ortPredictor(model, { warmup: 0 });
    expectAllClose(await ort.predict(windows, 3), tfjsScores(model, windows, 3), 1e-5, "ELU");
    await ort.dispose();
    model.dispose();
  });

  it("refuses the CRNN's recurrent layers by name", () => {
    const model = buildModel(paperSpec("crnn", { widthScale: 1 / 16 }), 1);
    expect(() => layersModelToOnnx(model)).toThrow(UnsupportedNetworkError);
    expect(() => layersModelToOnnx(model)).toThrow(/time_major \(Permute\): layer type not converted/);
    model.dispose();
  });
});

describe("engine choice", () => {
  it("auto runs the CNN on onnxruntime and the CRNN on tfjs; --backend onnxruntime on a CRNN is a one-line error", async () => {
    const cnn = await saved("cnn", 1 / 16, 5);
    const crnn = await saved("crnn", 1 / 16, 6);
    const onOrt = await createScorer({ modelDir: cnn.dir });
    expect("numTensors" in onOrt).toBe(false); // tfjs's health figure is absent: no tfjs network is held
    expect(onOrt.engine).toMatch(/^onnxruntime /);
    const onTf = await createScorer({ modelDir: crnn.dir });
    expect(typeof onTf.numTensors).toBe("function");
    const windows = windowsOf(2, 12);
    expectAllClose(await onTf.scoreMel(windows, 2), tfjsScores(crnn.model, windows, 2), 1e-5, "crnn via auto");
    await expect(createScorer({ modelDir: crnn.dir, backend: "onnxruntime" })).rejects.toThrow(/^--backend onnxruntime: .*GRU|Permute/);
    await onOrt.dispose?.();
    await onTf.dispose?.();
    cnn.model.dispose();
    crnn.model.dispose();
  });

  it("parses --backend and names a bad value", () => {
    expect(parseInferenceRequest(" ONNXRuntime ")).toBe("onnxruntime");
    expect(parseInferenceRequest("wasm")).toBe("wasm");
    expect(parseInferenceRequest("onnxruntime-FP32")).toBe("onnxruntime-fp32");
    expect(() => parseInferenceRequest("gpu")).toThrow(
      'Expected --backend auto|onnxruntime|onnxruntime-fp32|tensorflow|wasm|cpu, got "gpu"',
    );
  });
});

describe("the shipped model on real audio", () => {
  it("gives the same scores on onnxruntime as on tfjs for the demo clip", async () => {
    const audio = await loadMono("assets/demo/demo-clip.flac");
    const y = rmsNormalize(audio.samples);
    const n = Math.min(6, Math.floor(y.length / 22050));
    expect(n).toBe(6);
    const windows = new Float32Array(n * PER);
    for (let i = 0; i < n; i++) windows.set(melWindowDb(y, i * 22050), i * PER);
    const tfClf = await loadClassifier("models/default", { backend: "cpu", warmup: 0 });
    const ref = tfClf.predict(windows, n);
    // Float arithmetic on both sides (int8.test.ts compares the shipped int8 scores with these).
    const ort = await loadOrtClassifier("models/default", { warmup: 0, precision: "fp32" });
    const got = await ort.predict(windows, n);
    expectAllClose(got, ref, 1e-5, "default model onnxruntime (fp32) vs tfjs");
    // Same active classes at the model's thresholds in every window.
    for (let i = 0; i < got.length; i++) expect(got[i]! >= tfClf.thresholds[i % 18]!).toBe(ref[i]! >= tfClf.thresholds[i % 18]!);
    await ort.dispose();
    tfClf.dispose();
  });
});
