/**
 * The offline pipeline streams: a file decoded twice (two passes for the track RMS), decoded once
 * and replayed, or loaded whole (loadMono + analyzeSamples) gives the same frames; a pool of scorer
 * workers gives the in-process scorer's frames, in order.
 */
import { describe, expect, it } from "vitest";
import { loadMono } from "../../../src/audio/load.js";
import { rms } from "../../../src/features/normalize.js";
import type { Frame } from "../../../src/frame.js";
import { analyzeFile, analyzeSamples } from "../../../src/pipeline/offline.js";
import { WorkerPool } from "../../../src/pipeline/worker-pool.js";
import { tempDir, wavBytes, writeFile } from "../../helpers/audio-files.js";
import { createScorer, fakeScorerSpec } from "../../helpers/fake-scorer.js";
import { sceneInt16 } from "../../helpers/live-signals.js";

const dir = tempDir("timbrescope-offline-stream-");
const scene = sceneInt16(
  [
    { seconds: 1.7, classes: [2] },
    { seconds: 2.1, classes: [3, 0] },
    { seconds: 1.4, classes: [7] },
  ],
  44100,
  2,
);
const wav = writeFile(dir, "scene.wav", wavBytes({ sampleRateHz: 44100, encoding: "pcm16", channels: scene }));

const view = (frames: readonly Frame[]): unknown[] =>
  frames.map((f) => [f.index, f.startSample, f.levelRms, Array.from(f.raw), Array.from(f.active), f.triggers]);

describe("streaming offline pipeline", () => {
  it("two passes, one pass with replay and the whole signal agree exactly (track level)", async () => {
    const scorer = createScorer({ mode: "absolute" });
    const whole = await loadMono(wav);
    const ref = await analyzeSamples(whole.samples, scorer, { hopSec: 0.25, batchSize: 5 });
    expect(ref.trackRms).toBe(rms(whole.samples));
    expect(ref.frames.length).toBe(17); // 5.2 s: whole 1 s windows start at 0, 0.25, ..., 4.0
    const replay = await analyzeFile(wav, scorer, { hopSec: 0.25, batchSize: 3 });
    const twoPass = await analyzeFile(wav, scorer, { hopSec: 0.25, batchSize: 32, replayLimitSamples: 0 });
    for (const r of [replay, twoPass]) {
      expect(r.trackRms).toBe(ref.trackRms);
      expect(view(r.frames)).toEqual(view(ref.frames));
      expect(r.session.inputRateHz).toBe(44100);
    }
  });

  it("a pool of two scorer workers gives the in-process frames in window order", async () => {
    const pool = await WorkerPool.start(fakeScorerSpec({ mode: "absolute", delayMs: 3 }), 2);
    try {
      expect(pool.size).toBe(2);
      const ref = await analyzeFile(wav, createScorer({ mode: "absolute" }), { hopSec: 0.1, normalization: { kind: "running" } });
      const seen: number[] = [];
      const got = await analyzeFile(wav, pool, {
        hopSec: 0.1,
        normalization: { kind: "running" },
        batchSize: 4,
        inFlight: 4,
        onProgress: (s) => seen.push(s),
      });
      expect(view(got.frames)).toEqual(view(ref.frames));
      expect(Number.isNaN(got.trackRms)).toBe(true);
      // progress rises to the last window's end
      expect(seen.every((s, i) => i === 0 || s > (seen[i - 1] as number))).toBe(true);
      expect(seen.at(-1)).toBeCloseTo((got.frames.at(-1)!.startSample + 22050) / 22050, 9);
    } finally {
      await pool.close();
    }
  });
});
