import { describe, expect, it } from "vitest";
import { closingNotes, evaluateTargets, fmt, formatReport, table } from "../../../bench/lib/report.js";
import type { Measured } from "../../../bench/lib/report.js";
import { validateResults } from "../../../bench/lib/schema.js";
import type { BenchResults, InferenceRow, LiveRunResult, RateFigure } from "../../../bench/lib/schema.js";

const rate = (name: string, framesPerSec: number): RateFigure => ({
  name,
  seconds: 20672 / framesPerSec,
  audioSec: 240,
  framesPerSec,
  realTimeFactor: (240 * framesPerSec) / 20672,
  note: "",
});
const inf = (o: Partial<InferenceRow>): InferenceRow => ({
  arch: "cnn",
  widthScale: 0.5,
  source: "random",
  backend: "wasm (SIMD, 1 thread)",
  params: 600000,
  mflopsPerWindow: 200,
  batch1Ms: 12,
  batch32MsPerWindow: 10,
  gflopsBatch32: 20,
  peakFraction: 0.4,
  skipped: null,
  ...o,
});
const live = (o: Partial<LiveRunResult>): LiveRunResult => ({
  label: "no WS client",
  hopSec: 0.25,
  wsClient: false,
  audioSec: 120,
  oscLatencyMs: { p50: 12, p95: 25, p99: 28, max: 40, count: 477 },
  pipelineLatencyMs: { p50: 11, p95: 24, p99: 27 },
  scorerMsP50: null,
  cpuPercent: 18,
  peakRssMiB: 400,
  droppedWindows: 0,
  ...o,
});

/** A run where every target sits exactly on its threshold (and so is met). */
function measured(): Measured {
  return {
    schema: "timbrescope-bench",
    schemaVersion: 1,
    mode: "quick",
    machine: {
      cpuModel: "Test CPU",
      cores: 2,
      totalMemGiB: 8,
      nodeVersion: "20.0.0",
      platform: "linux",
      loadAvg1: 0.5,
      date: "2026-11-25T00:00:00.000Z",
      gitCommit: null,
    },
    durationSec: 100,
    defaultModel: { dir: "models/default", arch: "cnn", widthScale: 0.5 },
    sgemm: {
      twoThreads: { n: 2048, threads: 2, gflops: 100, info: "numpy" },
      oneThread: { n: 2048, threads: 1, gflops: 55, info: "numpy" },
    },
    mel: {
      trackSec: 240,
      frames: 20672,
      ours: rate("ours", 1000),
      oursWindow: rate("ours windows", 1100),
      essentia: rate("essentia", 1000),
      essentiaSpectrumOnly: null,
      numpy: rate("numpy", 1000),
      numpyMaxAbsDb: 0,
      numpyInfo: "numpy",
    },
    inference: [inf({ source: "models/default", peakFraction: 0.3, gflopsBatch32: 30 }), inf({ widthScale: 1, peakFraction: 0.1 })],
    analyze: {
      fourMinute: { audioSec: 240, wallSec: 2.4, realTimeFactor: 100, peakRssMiB: 500 },
      scaling: [],
      fit: { interceptSec: 1, slopeSecPerMin: 0.35, r2: 1, maxResidualPct: 0 },
    },
    live: [
      live({}),
      live({ label: "WS client connected", wsClient: true, oscLatencyMs: { p50: 13, p95: 30, p99: 33, max: 50, count: 477 } }),
      live({ label: "hop 1 s", hopSec: 1, cpuPercent: 90 }),
    ],
    training: [
      { arch: "cnn", widthScale: 0.5, backend: "wasm", workers: 2, samplesPerSec: 40, msPerStep: 800, peakRssMiB: 900, skipped: null },
      { arch: "cnn", widthScale: 1, backend: "wasm", workers: 1, samplesPerSec: 99, msPerStep: 300, peakRssMiB: 900, skipped: null },
    ],
    peakRssMiB: { training: 900, analyze: 500, analyzeMinutes: 4, live: 400 },
    profile: null,
  };
}

const byId = (m: Measured): Record<string, boolean | null> => Object.fromEntries(evaluateTargets(m).map((t) => [t.id, t.met]));

describe("bench targets", () => {
  it("counts a figure exactly on its threshold as met, judging the shipped CNN, hop 0.25 s runs and the shipped width", () => {
    const targets = evaluateTargets(measured());
    expect(targets.map((t) => [t.id, t.met, t.value])).toEqual([
      ["mel-vs-essentia", true, 1],
      ["mel-vs-numpy", true, 1],
      ["cnn-peak", true, 30],
      ["analyze-rtf", true, 100],
      ["live-p95", true, 30],
      ["live-cpu", true, 18],
      ["cnn-train", true, 40],
    ]);
  });

  it("marks each target missed just past its threshold", () => {
    const m = measured();
    const worse: Measured = {
      ...m,
      mel: m.mel === null ? null : { ...m.mel, essentia: rate("essentia", 1001), numpy: rate("numpy", 1000.5) },
      inference: [inf({ source: "models/default", peakFraction: 0.299 })],
      analyze: m.analyze === null ? null : { ...m.analyze, fourMinute: { ...m.analyze.fourMinute, realTimeFactor: 99.9 } },
      live: [live({ cpuPercent: 25 }), live({ wsClient: true, oscLatencyMs: { p50: 1, p95: 30.01, p99: 31, max: 32, count: 9 } })],
      training: [
        { arch: "cnn", widthScale: 0.5, backend: "wasm", workers: 1, samplesPerSec: 39.9, msPerStep: 800, peakRssMiB: 900, skipped: null },
      ],
    };
    expect(Object.values(byId(worse))).toEqual([false, false, false, false, false, false, false]);
    const notes = closingNotes(worse, evaluateTargets(worse));
    expect(notes.join("\n")).toMatch(
      /sgemm peak[\s\S]*analyze runs 99\.9× real time[\s\S]*live latency p95[\s\S]*live CPU[\s\S]*CNN training/,
    );
  });

  it("says 'not measured' when a section is missing, and falls back to random CNNs at the shipped width", () => {
    const m = measured();
    const partial: Measured = {
      ...m,
      mel: null,
      analyze: null,
      live: [],
      training: [],
      inference: [inf({ peakFraction: 0.5 }), inf({ widthScale: 1, peakFraction: 0.01 })],
    };
    expect(byId(partial)).toEqual({
      "mel-vs-essentia": null,
      "mel-vs-numpy": null,
      "cnn-peak": true,
      "analyze-rtf": null,
      "live-p95": null,
      "live-cpu": null,
      "cnn-train": null,
    });
    expect(closingNotes(partial, evaluateTargets(partial)).join(" ")).toMatch(
      /Not measured in this run: mel-vs-essentia, mel-vs-numpy, analyze-rtf, live-p95, live-cpu, cnn-train/,
    );
  });
});

describe("bench report formatting", () => {
  it("formats numbers to about three significant digits and missing ones as a dash", () => {
    expect([fmt(20672), fmt(192.44), fmt(0.37912), fmt(1.5), fmt(100), fmt(0), fmt(null), fmt(Number.NaN)]).toEqual([
      "20,672",
      "192",
      "0.379",
      "1.5",
      "100",
      "0",
      "–",
      "–",
    ]);
  });

  it("renders a Markdown table", () => {
    expect(table(["a", "b"], [["1", "2"]])).toBe("| a | b |\n| --- | --- |\n| 1 | 2 |");
  });

  it("prints the machine, every target with met / not met, and each section", () => {
    const m = measured();
    const targets = evaluateTargets(m);
    const text = formatReport({ ...m, targets, notes: closingNotes(m, targets) });
    expect(text).toMatch(/Test CPU, 2 cores/);
    expect(text.match(/\| met \|/g)).toHaveLength(7);
    for (const heading of [
      "Mel front-end",
      "Inference",
      "analyze end to end",
      "live (file source",
      "Training",
      "Peak RSS",
      "Closing note:",
      "All targets met.",
    ])
      expect(text).toContain(heading);
  });
});

describe("bench results schema", () => {
  it("accepts a run after a JSON round trip (NaN written as null)", () => {
    const m = measured();
    const targets = evaluateTargets(m);
    const results: BenchResults = { ...m, targets, notes: closingNotes(m, targets) };
    const json = JSON.stringify(results, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v));
    expect(validateResults(JSON.parse(json)).targets).toHaveLength(7);
  });

  it("names the first bad field", () => {
    const m = measured();
    const good = { ...m, targets: evaluateTargets(m), notes: [] };
    expect(() => validateResults({ ...good, schemaVersion: 2 })).toThrow(/results\.schemaVersion/);
    expect(() => validateResults({ ...good, machine: { ...good.machine, cores: "2" } })).toThrow(/results\.machine\.cores/);
    expect(() => validateResults({ ...good, targets: [{ ...good.targets[0], met: "yes" }] })).toThrow(/results\.targets\[0\]\.met/);
    expect(() => validateResults([])).toThrow(/results: expected an object/);
  });
});
