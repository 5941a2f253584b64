/**
 * Weight averaging of model folders (src/model/average.ts) and re-tuning a folder's thresholds on
 * saved validation scores (src/train/retune.ts): the averaged weights equal NumPy's mean of the
 * folders' weight files, the result loads and scores, different networks are refused, and the
 * re-tuned manifest holds the best-F1 thresholds of the scores it was given.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CLASSES } from "../../../src/data/classes.js";
import { readSavedScores } from "../../../src/evaluate/report-run.js";
import { DEFAULT_MEL_PARAMS } from "../../../src/features/params.js";
import { writeNpy } from "../../../src/io/npy.js";
import { buildModel, paperSpec } from "../../../src/model/architectures/index.js";
import { averageModelDirs } from "../../../src/model/average.js";
import { initBackend } from "../../../src/model/backend.js";
import { loadClassifier } from "../../../src/model/classifier.js";
import { buildManifest } from "../../../src/model/manifest.js";
import type { ModelManifest, TrainingSummary } from "../../../src/model/manifest.js";
import { saveModelDir } from "../../../src/model/save.js";
import { modelStats } from "../../../src/model/stats.js";
import { retuneModelDir } from "../../../src/train/retune.js";
import { expectAllClose } from "../../helpers/close.js";
import { runPython } from "../../helpers/python.js";
import { randomArray } from "../../helpers/tf-backends.js";

const LABELS = CLASSES.map((c) => c.id);
const C = LABELS.length;

beforeAll(async () => {
  await initBackend("cpu");
});

const TRAINING = { recipe: "fast", seed: 3, epochsRun: 2 } as unknown as TrainingSummary;

async function savedModel(arch: "cnn" | "mlp", seed: number, training: TrainingSummary | null = TRAINING): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `ts-avg-${arch}-`));
  const spec = paperSpec(arch, { widthScale: 1 / 16 });
  const model = buildModel(spec, seed);
  const s = modelStats(model);
  await saveModelDir(
    dir,
    model,
    buildManifest({
      labels: LABELS,
      melParams: DEFAULT_MEL_PARAMS,
      architecture: spec,
      params: s.params,
      trainableParams: s.trainableParams,
      flopsPerWindow: s.flopsPerWindow,
      thresholds: LABELS.map(() => 0.5),
      training,
      validation: null,
    }),
  );
  model.dispose();
  return dir;
}

describe("averageModelDirs", () => {
  it("writes the element-wise mean of the folders' weights (NumPy reference); the result loads and scores", async () => {
    const dirs = [await savedModel("cnn", 1), await savedModel("cnn", 2), await savedModel("cnn", 3)];
    writeFileSync(join(dirs[0] as string, "split.json"), '{"seed":7}\n');
    const out = join(mkdtempSync(join(tmpdir(), "ts-avg-out-")), "soup");
    const before = Date.now();
    const n = await averageModelDirs(dirs, out);
    const mine = new Float32Array(new Uint8Array(readFileSync(join(out, "weights.bin"))).buffer);
    expect(mine.length).toBe(n);
    const ref = runPython(
      "import sys, numpy as np\n" +
        "ws = [np.fromfile(p + '/weights.bin', dtype='<f4') for p in sys.stdin.read().split()]\n" +
        "m = np.mean(np.stack(ws).astype(np.float64), axis=0)\n" +
        "print(len(m)); print(float(np.abs(ws[0] - m).max())); sys.stdout.write(' '.join(repr(float(v)) for v in m))",
      dirs.join("\n"),
    ).split("\n");
    expect(Number(ref[0])).toBe(n);
    expect(Number(ref[1])).toBeGreaterThan(0.01); // the folders really differ
    expectAllClose(mine, Float32Array.from((ref[2] ?? "").split(" ").map(Number)), 1e-7, "mean weights vs numpy");
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as ModelManifest;
    expect(manifest.training?.averagedFrom).toEqual(dirs);
    // A new network gets its own creation time (the model id is folder-arch-date), not its first ingredient's.
    expect(Date.parse(manifest.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(readFileSync(join(out, "split.json"), "utf8")).toBe('{"seed":7}\n');
    const clf = await loadClassifier(out);
    const scores = clf.predict(
      randomArray(2 * 96 * 87, 5).map((v) => 2 * v),
      2,
    );
    expect(scores.length).toBe(2 * C);
    expect(scores.every((v) => v > 0 && v < 1)).toBe(true);
    clf.dispose();
  });

  it("refuses folders holding different networks, and a single folder, naming what is wrong", async () => {
    const cnn = await savedModel("cnn", 1);
    const mlp = await savedModel("mlp", 1);
    const out = mkdtempSync(join(tmpdir(), "ts-avg-bad-"));
    await expect(averageModelDirs([cnn, mlp], out)).rejects.toThrow(`${mlp}: its weights differ from ${cnn}'s`);
    await expect(averageModelDirs([cnn], out)).rejects.toThrow("give at least two model folders (got 1)");
    await expect(averageModelDirs([cnn, join(out, "none")], out)).rejects.toThrow(/model\.json: not found/);
  });
});

describe("retuneModelDir", () => {
  it("records the best-F1 threshold of each class and the validation figures of the given scores", async () => {
    const dir = await savedModel("cnn", 4);
    // 40 windows: class c is present in rows >= 20; its score is above 0.5 + c/50 exactly there, so
    // its best-F1 threshold (F1 = 1) lies in (0.5 + c/50 - 0.1, 0.5 + c/50 + 0.1].
    const rows = 40;
    const scores = new Float32Array(rows * C);
    const labels = new Uint8Array(rows * C);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < C; c++) {
        const pos = r >= 20;
        labels[r * C + c] = pos ? 1 : 0;
        scores[r * C + c] = 0.5 + c / 50 + (pos ? 0.1 : -0.1) + ((r * 7 + c) % 11) / 1000;
      }
    }
    const rep = mkdtempSync(join(tmpdir(), "ts-retune-"));
    mkdirSync(join(rep, "scores"), { recursive: true });
    await writeNpy(join(rep, "scores", "m-scores.npy"), scores, [rows, C]);
    await writeNpy(join(rep, "scores", "m-labels.npy"), labels, [rows, C]);
    await writeNpy(
      join(rep, "scores", "m-tracks.npy"),
      Int32Array.from({ length: rows }, (_, r) => (r < 10 ? 0 : 1)),
      [rows],
      "<i4",
    );
    const scored = await readSavedScores(rep, "m");
    const before = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as ModelManifest;
    const report = await retuneModelDir(dir, scored, 3);
    const after = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as ModelManifest;
    expect(report.meanAuc).toBe(1);
    expect(after.validation?.epoch).toBe(3);
    expect(after.validation?.meanAuc).toBe(1);
    expect(after.validation?.lrapMicro).toBeCloseTo(1, 12);
    after.thresholds.forEach((t, c) => {
      expect(t).toBeGreaterThan(0.5 + c / 50 - 0.1);
      expect(t).toBeLessThanOrEqual(0.5 + c / 50 + 0.1 + 0.011);
    });
    expect({ ...after, thresholds: before.thresholds, validation: null }).toEqual(before);
    const short = { ...scored, cols: 3 };
    await expect(retuneModelDir(dir, short, 1)).rejects.toThrow("the scores have 3 columns but the model 18 labels");
  });
});
