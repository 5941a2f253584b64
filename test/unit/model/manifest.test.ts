/**
 * Model folders: manifest validation against the live front-end (MelParams hash, labels, input
 * shape), save -> load round trip, the Classifier API (shapes, no tensor leaks), parameter counts
 * and FLOPs of the paper's architectures, and backend selection.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { CLASSES } from "../../../src/data/classes.js";
import { DEFAULT_MEL_PARAMS, withPadMode } from "../../../src/features/params.js";
import { buildModel, paperSpec } from "../../../src/model/architectures/index.js";
import { initBackend } from "../../../src/model/backend.js";
import { loadClassifier } from "../../../src/model/classifier.js";
import { buildManifest, validateManifest } from "../../../src/model/manifest.js";
import type { ModelManifest } from "../../../src/model/manifest.js";
import { saveModelDir } from "../../../src/model/save.js";
import { createScorer } from "../../../src/model/scorer.js";
import { modelStats } from "../../../src/model/stats.js";
import { expectAllClose } from "../../helpers/close.js";
import { randomArray } from "../../helpers/tf-backends.js";

beforeAll(async () => {
  await initBackend("wasm");
});

const LABELS = CLASSES.map((c) => c.id);

function tinyManifest(model: tf.LayersModel, name: "cnn" | "crnn" | "mlp" = "cnn"): ModelManifest {
  const s = modelStats(model);
  return buildManifest({
    labels: LABELS,
    melParams: DEFAULT_MEL_PARAMS,
    architecture: paperSpec(name, { widthScale: 1 / 16 }),
    params: s.params,
    trainableParams: s.trainableParams,
    flopsPerWindow: s.flopsPerWindow,
    thresholds: LABELS.map(() => 0.3),
    training: null,
    validation: null,
  });
}

describe("manifest validation", () => {
  let good: ModelManifest;
  beforeAll(() => {
    const model = buildModel(paperSpec("cnn", { widthScale: 1 / 16 }), 1);
    good = tinyManifest(model);
    model.dispose();
  });

  it("accepts a manifest made for the live front-end", () => {
    expect(validateManifest(JSON.parse(JSON.stringify(good)))).toEqual(good);
  });

  it("refuses a MelParams hash mismatch and names the differing field", () => {
    const live = { melParams: withPadMode("reflect") };
    expect(() => validateManifest(good, live, "m/manifest.json")).toThrow(
      /^model manifest m\/manifest\.json: melParamsHash \w+ differs from the live front-end's \w+ \(model vs live: padMode: constant != reflect\)$/,
    );
  });

  it("refuses a wrong label count, a wrong label, wrong thresholds and a wrong input shape", () => {
    const bad = (patch: Partial<Record<keyof ModelManifest, unknown>>): unknown => ({ ...good, ...patch });
    expect(() => validateManifest(bad({ labels: LABELS.slice(1) }))).toThrow(/architecture\.nClasses: 18 outputs but 17 labels/);
    expect(() => validateManifest(good, { melParams: DEFAULT_MEL_PARAMS, labels: LABELS.slice(1) })).toThrow(
      /labels: the model has 18 labels, expected 17/,
    );
    expect(() => validateManifest(good, { melParams: DEFAULT_MEL_PARAMS, labels: [...LABELS.slice(0, 17), "kazoo"] })).toThrow(
      /labels\[17\]: expected "kazoo", got "flute"/,
    );
    expect(() => validateManifest(bad({ thresholds: [0.5] }))).toThrow(/thresholds: expected 18 finite numbers, got 1 values/);
    expect(() => validateManifest(bad({ inputShape: [96, 86, 1] }))).toThrow(
      /inputShape: expected \[96, 87, 1\] for the live front-end, got \[96,86,1\]/,
    );
    expect(() => validateManifest(bad({ schemaVersion: 99 }))).toThrow(/schemaVersion: this timbrescope reads version 1, got 99/);
  });
});

describe("model folder and Classifier", () => {
  it("saves, loads, validates and predicts like the in-memory model, without leaking tensors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-model-"));
    const model = buildModel(paperSpec("crnn", { widthScale: 1 / 16 }), 7);
    await saveModelDir(dir, model, tinyManifest(model, "crnn"));
    const clf = await loadClassifier(dir, { backend: "wasm" });
    expect(clf.labels).toEqual(LABELS);
    expect(Array.from(clf.thresholds)).toEqual(LABELS.map(() => Math.fround(0.3)));
    expect(clf.windowShape).toEqual([96, 87]);
    const n = 3;
    const windows = randomArray(n * 96 * 87, 5).map((v) => -40 + 40 * v);
    const before = tf.memory().numTensors;
    const scores = clf.predict(windows, n);
    expect(tf.memory().numTensors).toBe(before);
    expect(scores.length).toBe(n * 18);
    const ref = tf.tidy(() => (model.predict(tf.tensor4d(windows, [n, 96, 87, 1])) as tf.Tensor).dataSync());
    expectAllClose(scores, ref, 1e-6, "scores");
    // The same model as a live-pipeline scorer.
    const scorer = await createScorer({ modelDir: dir, backend: "wasm" });
    expect(scorer.labels).toEqual(LABELS);
    expectAllClose(await scorer.scoreMel(windows, n), ref, 1e-6, "scorer scores");
    await scorer.dispose?.();
    clf.dispose();
    model.dispose();
  });

  it("refuses to load a model whose manifest was made for other MelParams, naming the field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-model-"));
    const model = buildModel(paperSpec("mlp", { widthScale: 1 / 16 }), 1);
    await saveModelDir(dir, model, tinyManifest(model, "mlp"));
    model.dispose();
    const path = join(dir, "manifest.json");
    const m = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...m, melParams: { ...DEFAULT_MEL_PARAMS, nMels: 128 }, melParamsHash: "0123456789abcdef" }));
    await expect(loadClassifier(dir)).rejects.toThrow(/melParamsHash 0123456789abcdef differs .*nMels: 128 != 96/);
  });
});

describe("architectures", () => {
  it("have the paper's sizes: parameters and forward FLOPs per 96 x 87 window", () => {
    const stats = Object.fromEntries(
      (["mlp", "cnn", "crnn"] as const).map((a) => {
        const m = buildModel(paperSpec(a), 1);
        const s = modelStats(m);
        m.dispose();
        return [a, s];
      }),
    );
    // CNN: conv 640 + 73,856 + 295,168 + 1,475,200; BN 4 x (64+128+256+640); FC 2560*128+128; out 128*18+18.
    expect(stats["cnn"]?.params).toBe(640 + 73856 + 295168 + 1475200 + 4 * 1088 + 327808 + 2322);
    expect(stats["cnn"]?.flopsPerWindow).toBeGreaterThan(0.77e9);
    expect(stats["cnn"]?.flopsPerWindow).toBeLessThan(0.79e9);
    // CRNN: conv 640 + 73,856 + 295,168 + 590,080; BN 4 x 704; GRU 3 x (1536*256 + 256*256 + 256); out 256*18+18.
    expect(stats["crnn"]?.params).toBe(640 + 73856 + 295168 + 590080 + 4 * 704 + 3 * (1536 * 256 + 256 * 256 + 256) + 4626);
    expect(stats["crnn"]?.flopsPerWindow).toBeGreaterThan(0.76e9);
    expect(stats["crnn"]?.flopsPerWindow).toBeLessThan(0.78e9);
    // MLP: 8352 -> 256 -> 256 -> 256 -> 256 -> 18.
    expect(stats["mlp"]?.params).toBe(8352 * 256 + 256 + 3 * (256 * 256 + 256) + 256 * 18 + 18);
  });
});

describe("backend selection", () => {
  it("reports a missing native backend and falls back for auto", async () => {
    const loader = (name: string): Promise<unknown> => Promise.reject(new Error(`Cannot find package '${name}'`));
    await expect(initBackend("tensorflow", { loader })).rejects.toThrow(
      /Could not initialise the tensorflow backend \(tensorflow: @tensorflow\/tfjs-node-gpu not loadable/,
    );
    await tf.setBackend("cpu");
    const info = await initBackend("auto", { loader });
    expect(info.kind).toBe("wasm");
    expect(info.description).toMatch(/^wasm \(SIMD, 1 thread\)$/);
  });
});
