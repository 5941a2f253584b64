/**
 * Training end to end on a tiny synthetic corpus (`timbrescope synth`: 6 tracks of 15 s, TimGM6mb):
 * tiny CNN and CRNN losses fall; a run interrupted mid-epoch and resumed ends bit-identical to an
 * uninterrupted one; a training step and a prediction leave no tensors behind; data-parallel
 * workers agree with in-process training.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCorpus } from "../../../src/data/synth/corpus.js";
import { buildModel, paperSpec } from "../../../src/model/architectures/index.js";
import { setLogLevel } from "../../../src/log.js";
import { loadLayersModelFile } from "../../../src/model/load.js";
import { initBackend } from "../../../src/model/backend.js";
import { predictWindows } from "../../../src/model/classifier.js";
import { weightsSha256 } from "../../../src/model/onnx/int8-calibration.js";
import { createScorer } from "../../../src/model/scorer.js";
import { LocalEngine } from "../../../src/train/engine.js";
import { ParallelEngine } from "../../../src/train/parallel.js";
import { RECIPES } from "../../../src/train/recipe.js";
import type { Recipe } from "../../../src/train/recipe.js";
import { train } from "../../../src/train/trainer.js";
import type { TrainOptions } from "../../../src/train/trainer.js";
import type { SplitManifest } from "../../../src/data/split.js";
import { randomArray } from "../../helpers/tf-backends.js";
import { expectSameTrainingRun } from "../../helpers/train-runs.js";
import { wavBytes } from "../../helpers/audio-files.js";

const root = mkdtempSync(join(tmpdir(), "ts-train-"));
const corpus = join(root, "corpus");
const cacheDir = join(root, "cache");
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  setLogLevel("info");
});

beforeAll(async () => {
  setLogLevel("error");
  await initBackend("wasm");
  await generateCorpus({
    outDir: corpus,
    tracks: 6,
    seed: 3,
    minutesPerTrack: 0.25,
    soundfonts: ["timgm6mb"],
    sampleRateHz: 22050,
    keepStems: false,
    styles: [],
    voices: [],
    firstTrack: 0,
  });
}, 120_000);

const FAST: Recipe = { ...RECIPES.fast, augment: "none", epochs: 4 };

function options(arch: "cnn" | "crnn", out: string, patch: Partial<TrainOptions> = {}): TrainOptions {
  return { roots: [corpus], outDir: join(root, out), arch, widthScale: 1 / 16, recipe: FAST, seed: 5, cacheDir, backend: "wasm", ...patch };
}

describe("training on the tiny synthetic corpus", () => {
  for (const arch of ["cnn", "crnn"] as const) {
    it(`${arch}: the training loss falls`, async () => {
      const r = await train(options(arch, `${arch}-loss`));
      expect(r.stopped).toBe("completed");
      expect(r.history.length).toBe(4);
      const first = r.history[0]?.trainLoss as number;
      const last = r.history[3]?.trainLoss as number;
      expect(last, `losses ${r.history.map((h) => h.trainLoss.toFixed(4)).join(" ")}`).toBeLessThan(0.9 * first);
      const manifest = JSON.parse(readFileSync(join(root, `${arch}-loss`, "manifest.json"), "utf8")) as {
        thresholds: number[];
        validation: { epoch: number };
        training: { windows: { validation: number } };
      };
      expect(manifest.thresholds.length).toBe(18);
      expect(manifest.validation.epoch).toBe(r.bestEpoch);
      // The kept model's int8 ranges come from every validation window; the CRNN (no ONNX graph) gets none.
      const dir = join(root, `${arch}-loss`);
      if (arch === "crnn") expect(existsSync(join(dir, "int8.json"))).toBe(false);
      else {
        const int8 = JSON.parse(readFileSync(join(dir, "int8.json"), "utf8")) as { weightsSha256: string; windows: number };
        expect(int8.weightsSha256).toBe(weightsSha256(readFileSync(join(dir, "weights.bin"))));
        expect(int8.windows).toBe(manifest.training.windows.validation);
        const scorer = await createScorer({ modelDir: dir, backend: "onnxruntime" });
        expect(scorer.modelId).toMatch(/-int8$/);
        await scorer.dispose?.();
      }
    }, 120_000);
  }

  it("resumed after an interruption mid-epoch, ends identical to an uninterrupted run", async () => {
    const recipe: Recipe = { ...FAST, epochs: 3, optimizer: "sgd-momentum", learningRate: 1e-2, momentum: 0.9 };
    const straight = await train(options("cnn", "straight", { recipe }));
    const controller = new AbortController();
    const first = await train(
      options("cnn", "resumed", {
        recipe,
        signal: controller.signal,
        onBatch: ({ epoch, batch }) => {
          if (epoch === 1 && batch === 2) controller.abort();
        },
      }),
    );
    expect(first.stopped).toBe("aborted");
    expect(first.epochsDone).toBe(1);
    const resumed = await train(options("cnn", "resumed", { recipe, resume: true }));
    expect(resumed.epochsDone).toBe(3);
    expectSameTrainingRun(join(root, "resumed"), join(root, "straight"));
    expect(resumed.history.map((h) => h.valMeanAuc)).toEqual(straight.history.map((h) => h.valMeanAuc));
  }, 180_000);

  it("--init-from starts from a saved model's weights and keeps its split (and refuses another architecture)", async () => {
    const recipe: Recipe = { ...FAST, epochs: 1 };
    await train(options("cnn", "base", { recipe }));
    const base = await loadLayersModelFile(join(root, "base", "model.json"));
    const model = buildModel(paperSpec("cnn", { widthScale: 1 / 16 }), 99);
    const seen: number[] = [];
    // A zero learning rate leaves the copied trainable weights as they are (only batch-norm's
    // moving statistics move), so the saved model has exactly the base model's kernels and biases.
    // The base's split, with one training track moved to test and the test tracks to training, so
    // that keeping it differs from any fresh split: tuning must keep it as it is.
    const splitPath = join(root, "base", "split.json");
    const baseSplit = JSON.parse(readFileSync(splitPath, "utf8")) as SplitManifest;
    const moved = baseSplit.train[0] as string;
    const edited = {
      ...baseSplit,
      train: [...baseSplit.train.slice(1), ...baseSplit.test],
      test: [moved],
      validationFrom: { train: baseSplit.validationFrom.train, test: [] },
    };
    writeFileSync(splitPath, JSON.stringify(edited));
    const r = await train(
      options("cnn", "tuned", {
        recipe: { ...recipe, optimizer: "sgd-momentum", learningRate: 0, momentum: 0 },
        seed: 99,
        initFrom: join(root, "base"),
        onBatch: ({ loss }) => seen.push(loss),
      }),
    );
    expect(r.epochsDone).toBe(1);
    const tuned = await loadLayersModelFile(join(root, "tuned", "model.json"));
    const values = (m: tf.LayersModel): number[][] => m.trainableWeights.map((w) => Array.from(w.read().dataSync()));
    expect(values(tuned)).toEqual(values(base));
    expect(values(model)).not.toEqual(values(base)); // seed 99 alone would have started elsewhere
    tuned.dispose();
    const manifest = JSON.parse(readFileSync(join(root, "tuned", "manifest.json"), "utf8")) as { training: { initFrom: string } };
    expect(manifest.training.initFrom).toBe(join(root, "base"));
    const tunedSplit = JSON.parse(readFileSync(join(root, "tuned", "split.json"), "utf8")) as SplitManifest;
    const sides = (m: SplitManifest): string[][] =>
      [m.train, m.validationFrom.train, m.validationFrom.test, m.test].map((l) => [...l].sort());
    expect(sides(tunedSplit)).toEqual(sides(edited));
    expect(model.countParams()).toBe(base.countParams());
    base.dispose();
    model.dispose();
    await expect(train(options("cnn", "wide", { recipe, widthScale: 1 / 8, initFrom: join(root, "base") }))).rejects.toThrow(
      /--init-from .*base: architecture\.widthScale is 0\.0625, this run trains 0\.125/,
    );
    await expect(train(options("crnn", "other", { recipe, initFrom: join(root, "base") }))).rejects.toThrow(
      /architecture\.name is "cnn", this run trains "crnn"/,
    );
  }, 180_000);

  it("refuses to resume with different settings, naming the field", async () => {
    await expect(
      train(
        options("cnn", "straight", {
          recipe: { ...FAST, epochs: 3, optimizer: "sgd-momentum", learningRate: 1e-2, momentum: 0.5 },
          resume: true,
        }),
      ),
    ).rejects.toThrow(/--resume: the checkpoint in .* was made with other settings \(recipe\.momentum: checkpoint 0\.9, now 0\.5\)/);
  });

  it("--real-negatives: the list's training recordings join every epoch (x repeat), and a resume with another list is refused", async () => {
    const rate = 22050;
    const noise = lcgNoise(rate * 4, 11);
    writeFileSync(join(root, "orchestra.wav"), wavBytes({ sampleRateHz: rate, encoding: "pcm16", channels: [noise] }));
    const list = (repeat: number): string => {
      const p = join(root, `negatives-${repeat}.yaml`);
      writeFileSync(
        p,
        `schema: timbrescope-real-negatives\nrepeat: ${repeat}\nsources:\n  - root: ${root}\n    absent: [drums, tabla]\n    tracks: [{ file: orchestra.wav }]\n`,
      );
      return p;
    };
    const recipe: Recipe = { ...FAST, epochs: 1 };
    const plain = await train(options("cnn", "neg-plain", { recipe }));
    const withNeg = await train(options("cnn", "neg", { recipe, realNegatives: list(2) }));
    expect(withNeg.history[0]?.trainWindows).toBe((plain.history[0]?.trainWindows ?? 0) + 2 * 4);
    expect(Number.isFinite(withNeg.history[0]?.trainLoss)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(root, "neg", "manifest.json"), "utf8")) as { training: { realNegatives?: unknown } };
    expect(manifest.training.realNegatives).toEqual({ list: list(2), recordings: 1, windows: 8 });
    await expect(train(options("cnn", "neg", { recipe: { ...recipe, epochs: 2 }, realNegatives: list(3), resume: true }))).rejects.toThrow(
      /other settings \(realNegatives\.(list|repeat)/,
    );
  }, 120_000);
});

/** Deterministic 16-bit noise. */
function lcgNoise(n: number, seed: number): Int16Array {
  let s = seed >>> 0;
  return Int16Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 19) - 4096);
}

describe("tensor hygiene and engines", () => {
  const batch = (n: number): { x: Float32Array; y: Float32Array; n: number } => ({
    x: randomArray(n * 96 * 87, 3).map((v) => -40 + 40 * v),
    y: randomArray(n * 18, 4).map((v) => (v > 0.4 ? 1 : 0)),
    n,
  });

  it("a training step and a prediction leave tf.memory().numTensors unchanged", async () => {
    for (const arch of ["mlp", "cnn", "crnn"] as const) {
      const model = buildModel(paperSpec(arch, { widthScale: 1 / 16 }), 1);
      const engine = new LocalEngine(model, RECIPES.paper);
      const b = batch(4);
      await engine.step(b, 0); // first step creates nothing lasting, but warm up anyway
      const before = tf.memory().numTensors;
      await engine.step(b, 1);
      expect(tf.memory().numTensors, `${arch} training step`).toBe(before);
      predictWindows(model, b.x, b.n);
      expect(tf.memory().numTensors, `${arch} prediction`).toBe(before);
      await engine.dispose();
      model.dispose();
    }
  });

  it("one worker thread trains exactly like in-process; two workers train", async () => {
    const spec = paperSpec("cnn", { widthScale: 1 / 16 });
    const b = batch(6);
    const local = buildModel(spec, 2);
    const inProcess = new LocalEngine(local, RECIPES.fast);
    const threaded = buildModel(spec, 2);
    const one = await ParallelEngine.create(threaded, RECIPES.fast, 1, undefined);
    const lossA = [await inProcess.step(b, 0), await inProcess.step(b, 1)];
    const lossB = [await one.step(b, 0), await one.step(b, 1)];
    await one.sync();
    expect(lossB).toEqual(lossA);
    local
      .getWeights()
      .forEach((w, i) => expect(Array.from(threaded.getWeights()[i]?.dataSync() ?? []), `weight ${i}`).toEqual(Array.from(w.dataSync())));
    await one.dispose();
    const two = await ParallelEngine.create(threaded, RECIPES.fast, 2, undefined);
    const losses = [];
    for (let s = 0; s < 4; s++) losses.push(await two.step(b, s));
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[3]).toBeLessThan(losses[0] as number);
    await two.dispose();
    await inProcess.dispose();
    local.dispose();
    threaded.dispose();
  }, 60_000);
});
