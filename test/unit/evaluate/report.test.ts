/**
 * `timbrescope evaluate`: report.json holds exactly what computeReport (the metrics module) gives
 * for the scores the models produce, at every resolution; report.html is self-contained and holds
 * the SVG figures; saved activations are scored the same way.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerEvaluate } from "../../../src/cli/evaluate.js";
import { CLASSES } from "../../../src/data/classes.js";
import { labelledMixes, loadDataset } from "../../../src/data/dataset.js";
import { getTrackFeatures } from "../../../src/data/feature-cache.js";
import { generateCorpus } from "../../../src/data/synth/corpus.js";
import { computeReport } from "../../../src/evaluate/metrics.js";
import { VOCAL_CLASS_IDS } from "../../../src/evaluate/report-data.js";
import type { EvaluationReport } from "../../../src/evaluate/report-data.js";
import { readNpy, writeNpy } from "../../../src/io/npy.js";
import { setLogLevel } from "../../../src/log.js";
import { buildModel, paperSpec } from "../../../src/model/architectures/index.js";
import { initBackend } from "../../../src/model/backend.js";
import { loadClassifier } from "../../../src/model/classifier.js";
import { buildManifest } from "../../../src/model/manifest.js";
import { saveModelDir } from "../../../src/model/save.js";
import { modelStats } from "../../../src/model/stats.js";
import { DEFAULT_MEL_PARAMS } from "../../../src/features/params.js";
import { RESOLUTIONS, matrix } from "../../../src/post/aggregate.js";
import { expectAllClose } from "../../helpers/close.js";

const root = mkdtempSync(join(tmpdir(), "ts-eval-"));
const corpus = join(root, "corpus");
const cache = join(root, "cache");
const LABELS = CLASSES.map((c) => c.id);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  setLogLevel("info");
});

async function saveTinyModel(dir: string, arch: "cnn" | "crnn", seed: number): Promise<void> {
  const model = buildModel(paperSpec(arch, { widthScale: 1 / 16 }), seed);
  const s = modelStats(model);
  await saveModelDir(
    dir,
    model,
    buildManifest({
      labels: LABELS,
      melParams: DEFAULT_MEL_PARAMS,
      architecture: paperSpec(arch, { widthScale: 1 / 16 }),
      params: s.params,
      trainableParams: s.trainableParams,
      flopsPerWindow: s.flopsPerWindow,
      thresholds: LABELS.map((_, c) => 0.3 + 0.01 * c),
      training: null,
      validation: null,
    }),
  );
  model.dispose();
}

async function run(argv: string[]): Promise<void> {
  const program = new Command("timbrescope").exitOverride();
  registerEvaluate(program);
  await program.parseAsync(argv, { from: "user" });
}

beforeAll(async () => {
  setLogLevel("error");
  await initBackend("wasm");
  await generateCorpus({
    outDir: corpus,
    tracks: 4,
    seed: 8,
    minutesPerTrack: 0.25,
    soundfonts: ["timgm6mb"],
    sampleRateHz: 22050,
    keepStems: false,
    styles: [],
    voices: [],
    firstTrack: 0,
  });
  await saveTinyModel(join(root, "cnn"), "cnn", 1);
  await saveTinyModel(join(root, "crnn"), "crnn", 2);
}, 120_000);

describe("evaluate --model", () => {
  it("writes report.json equal to computeReport on the models' scores, and an HTML page with the SVG figures", async () => {
    const out = join(root, "report");
    await run([
      "evaluate",
      "--model",
      join(root, "cnn"),
      join(root, "crnn"),
      "--data",
      corpus,
      "--split",
      "all",
      "--out",
      out,
      "--cache",
      cache,
      "--backend",
      "wasm",
    ]);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as EvaluationReport;
    expect(report.models.map((m) => m.name)).toEqual(["cnn", "crnn"]);
    // Independent scoring: features straight from the cache module, the classifier on each track.
    const mixes = labelledMixes(await loadDataset([corpus], { requireMix: true }));
    for (const [k, name] of ["cnn", "crnn"].entries()) {
      const clf = await loadClassifier(join(root, name));
      const scores: number[] = [];
      const labels: number[] = [];
      const tracks: number[] = [];
      for (const [t, m] of [...mixes].sort((a, b) => (a.id < b.id ? -1 : 1)).entries()) {
        const f = await getTrackFeatures(
          { trackId: m.id, audioPath: m.mixPath, labels: m.labels.classes, nClasses: 18 },
          { cacheDir: cache },
        );
        scores.push(...clf.predict(f.mel, f.header.nWindows));
        labels.push(...f.labels);
        for (let w = 0; w < f.header.nWindows; w++) tracks.push(t);
      }
      clf.dispose();
      const written = await readNpy(join(out, "scores", `${name}-scores.npy`));
      expectAllClose(written.data, scores, 1e-6, `${name} scores`);
      // report.json == computeReport on those scores, at every resolution.
      const rows = tracks.length;
      const input = {
        scores: matrix(written.data, rows, 18),
        labels: matrix(Uint8Array.from(labels), rows, 18),
        trackIds: Int32Array.from(tracks),
      };
      const m = report.models[k];
      if (m === undefined) throw new Error("model missing");
      expect(m.windows).toBe(rows);
      for (const [i, resolution] of RESOLUTIONS.entries()) {
        const ref = computeReport(input, { resolution });
        const got = m.resolutions[i];
        expect(got?.resolution).toBe(resolution);
        expect(got?.lrapMicro).toBe(ref.lrapMicro);
        expect(got?.lrapMacro).toBe(ref.lrapMacro);
        expect(got?.meanAuc).toBe(ref.meanAuc);
        expect(got?.aucPerClass).toEqual(ref.aucPerClass);
      }
      const atThr = computeReport(input, { thresholds: LABELS.map((_, c) => 0.3 + 0.01 * c) });
      expect(m.prf).toEqual(JSON.parse(JSON.stringify(atThr.prf)));
      expect(m.confusion).toEqual(JSON.parse(JSON.stringify(atThr.confusion)));
      // Table 4: the pooled vocals class is the max over the three vocal columns.
      const cols = VOCAL_CLASS_IDS.map((id) => LABELS.indexOf(id));
      const pooledS = Float64Array.from({ length: rows }, (_, r) => Math.max(...cols.map((c) => written.data[r * 18 + c] as number)));
      const pooledL = Uint8Array.from({ length: rows }, (_, r) => Math.max(...cols.map((c) => labels[r * 18 + c] as number)));
      expect(m.vocals[0]?.pooledAuc).toBe(
        computeReport({ scores: matrix(pooledS, rows, 1), labels: matrix(pooledL, rows, 1), trackIds: input.trackIds }).aucPerClass[0],
      );
    }
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link |src="http/);
    // Fig. 2 once, then Fig. 3 and Fig. 4 per model.
    expect(html.match(/<svg/g)?.length).toBe(1 + 2 * 2);
    for (const title of [
      "LRAP vs time resolution",
      "AUC per instrument: cnn",
      "AUC per instrument: crnn",
      "False negatives given a false positive: crnn",
    ])
      expect(html).toContain(title);
    expect(html).toContain("Mean AUC (%) per time resolution (Table 3)");
    expect(html).toContain("Vocals (Table 4)");
  }, 120_000);
});

describe("evaluate --activations", () => {
  it("--split test scores the test tracks of the model's own split.json", async () => {
    const ids = labelledMixes(await loadDataset([corpus], { requireMix: true }))
      .map((m) => m.id)
      .sort();
    const [kept, ...held] = ids as [string, ...string[]];
    const own = {
      schema: "timbrescope-split",
      version: 1,
      seed: 1,
      params: { testFraction: 0.2, validationFromTrain: 50, validationFromTest: 50, referencePoolSize: 461 },
      provenance: {},
      poolHash: "",
      train: [kept],
      validation: [],
      validationFrom: { train: [], test: [] },
      test: held,
      classTracks: { train: {}, validation: {}, test: {} },
    };
    const dir = join(root, "cnn-own-split");
    await saveTinyModel(dir, "cnn", 1);
    writeFileSync(join(dir, "split.json"), JSON.stringify(own));
    const out = join(root, "report-own-split");
    await run(["evaluate", "--model", dir, "--data", corpus, "--split", "test", "--out", out, "--cache", cache, "--backend", "wasm"]);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as EvaluationReport;
    expect(report.models[0]?.tracks).toBe(held.length); // a fresh split of 4 tracks puts 1 in test
    expect(held.length).toBe(3);
    writeFileSync(join(dir, "split.json"), JSON.stringify({ schema: "timbrescope-split", train: "all" }));
    await expect(run(["evaluate", "--model", dir, "--data", corpus, "--out", out, "--cache", cache])).rejects.toThrow(
      /split\.json: not a timbrescope split manifest/,
    );
  });

  it("scores saved activity logs against labels .npy like computeReport", async () => {
    const dir = join(root, "acts");
    rmSync(dir, { recursive: true, force: true });
    const { mkdirSync } = await import("node:fs");
    mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    const labelFiles: string[] = [];
    const allScores: number[] = [];
    const allLabels: number[] = [];
    const tracks: number[] = [];
    for (let t = 0; t < 2; t++) {
      const n = 7 + t;
      const lines = [
        JSON.stringify({
          type: "session",
          v: 1,
          labels: LABELS,
          classIds: LABELS,
          modelId: "live-cnn",
          thresholds: LABELS.map(() => 0.5),
          sampleRateHz: 22050,
          inputRateHz: 44100,
          hopSec: 0.5,
          windowSec: 1,
          source: { name: `/x/track${t}.wav`, kind: "file", channels: 2 },
          lanes: [null],
          rules: [],
          startedAtMs: 0,
        }),
      ];
      const lab: number[] = [];
      for (let k = 0; k < 2 * n; k++) {
        const raw = LABELS.map((_, c) => Number((((k * 7 + c * 13 + t) % 17) / 17).toPrecision(9)));
        lines.push(
          JSON.stringify({
            type: "frame",
            v: 1,
            seq: k,
            lane: 0,
            channel: null,
            index: k,
            startSample: k * 11025,
            sampleRateHz: 22050,
            timeSec: k / 2,
            captureTimeMs: null,
            levelRms: 1,
            raw,
            smoothed: raw,
            active: raw.map(() => 0),
            triggers: [],
          }),
        );
        if (k % 2 === 0) {
          const row = LABELS.map((_, c) => ((k + c + t) % 3 === 0 ? 1 : 0));
          lab.push(...row);
          allScores.push(...raw);
          allLabels.push(...row);
          tracks.push(t);
        }
      }
      files.push(join(dir, `t${t}.jsonl`));
      labelFiles.push(join(dir, `t${t}.npy`));
      writeFileSync(files[t] as string, lines.join("\n") + "\n");
      await writeNpy(labelFiles[t] as string, lab, [n, 18], "<f4");
    }
    const out = join(dir, "report");
    await run(["evaluate", "--activations", ...files, "--labels", ...labelFiles, "--out", out]);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as EvaluationReport;
    const input = {
      scores: matrix(Float32Array.from(allScores), tracks.length, 18),
      labels: matrix(Uint8Array.from(allLabels), tracks.length, 18),
      trackIds: Int32Array.from(tracks),
    };
    const m = report.models[0];
    expect(m?.name).toBe("live-cnn");
    expect(m?.windows).toBe(15);
    for (const [i, resolution] of RESOLUTIONS.entries()) {
      const ref = computeReport(input, { resolution });
      expect(m?.resolutions[i]?.lrapMicro).toBe(ref.lrapMicro);
      expect(m?.resolutions[i]?.meanAuc).toBe(ref.meanAuc);
    }
  });
});
