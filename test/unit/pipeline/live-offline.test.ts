/**
 * Live == offline (CONTRIBUTING.md, habit 3): a WAV streamed through pipeline/live.ts in PortAudio-sized
 * chunks (10 ms), scored in the worker, gives the same frames as pipeline/offline.ts at the same
 * hop: identical startSample, scores within float tolerance, identical post-processing.
 */
import { describe, expect, it } from "vitest";
import { FileSource } from "../../../src/audio/file-source.js";
import { validatePostConfig } from "../../../src/config/post-config.js";
import type { LevelNormalization } from "../../../src/audio/live-loudness.js";
import { LivePipeline } from "../../../src/pipeline/live.js";
import { analyzeFile } from "../../../src/pipeline/offline.js";
import type { OfflineNormalization } from "../../../src/pipeline/offline.js";
import type { Frame } from "../../../src/frame.js";
import { tempDir, wavBytes, writeFile } from "../../helpers/audio-files.js";
import { expectAllClose } from "../../helpers/close.js";
import { CollectSink } from "../../helpers/collect-sink.js";
import { createScorer, fakeScorerSpec } from "../../helpers/fake-scorer.js";
import type { FakeScorerOptions } from "../../helpers/fake-scorer.js";
import { sceneInt16 } from "../../helpers/live-signals.js";

const dir = tempDir("timbrescope-live-offline-");
// 44.1 kHz stereo, so the live path downmixes and resamples chunk by chunk.
const song = sceneInt16(
  [
    { seconds: 1.5, classes: [2, 0] },
    { seconds: 2.5, classes: [3, 0] },
    { seconds: 1, classes: [] },
    { seconds: 1.6, classes: [2, 3] },
  ],
  44100,
  2,
);
const wav = writeFile(dir, "song.wav", wavBytes({ sampleRateHz: 44100, encoding: "pcm16", channels: song }));
const post = validatePostConfig({
  smoothing: { attackSec: 0, releaseSec: 0.5 },
  rules: [
    { name: "solo", any: ["distorted-guitar"], none: ["male-singer"], minActiveSec: 1 },
    { name: "drop", all: ["drums"], minAbsentBeforeSec: 0.5 },
  ],
});

async function live(hopSec: number, normalization: LevelNormalization, scorer: FakeScorerOptions): Promise<Frame[]> {
  const sink = new CollectSink();
  const source = await FileSource.open(wav, { pace: "fast", framesPerChunk: 441 });
  const p = await LivePipeline.start({
    source,
    scorer: fakeScorerSpec(scorer),
    sinks: [sink],
    hopSec,
    normalization,
    post,
    overflow: "wait",
    maxBatch: 5,
  });
  const summary = await p.done;
  expect(summary.droppedWindows).toBe(0);
  expect(sink.closed).toBe(true);
  return sink.frames;
}

async function offline(hopSec: number, normalization: OfflineNormalization, scorer: FakeScorerOptions): Promise<Frame[]> {
  return (await analyzeFile(wav, createScorer(scorer), { hopSec, normalization, post, batchSize: 7 })).frames;
}

function expectSameFrames(a: Frame[], b: Frame[]): void {
  expect(a.map((f) => f.startSample)).toEqual(b.map((f) => f.startSample));
  expectAllClose(
    a.flatMap((f) => Array.from(f.raw)),
    b.flatMap((f) => Array.from(f.raw)),
    1e-6,
    "raw scores",
  );
  expectAllClose(
    a.flatMap((f) => Array.from(f.smoothed)),
    b.flatMap((f) => Array.from(f.smoothed)),
    1e-6,
    "smoothed scores",
  );
  expect(a.map((f) => Array.from(f.active).join(""))).toEqual(b.map((f) => Array.from(f.active).join("")));
  expect(a.map((f) => f.triggers)).toEqual(b.map((f) => f.triggers));
  expectAllClose(
    a.map((f) => f.levelRms),
    b.map((f) => f.levelRms),
    0,
    "level",
  );
}

describe("live == offline", () => {
  it("running level, 0.25 s hop: same frames, and the scene is seen (singer, then guitar solo, then drums back)", async () => {
    const opts = { mode: "absolute" as const };
    const [l, o] = [await live(0.25, { kind: "running" }, opts), await offline(0.25, { kind: "running" }, opts)];
    // 6.6 s at 22050 Hz -> windows starting at k * 5512.5 with start + 22050 <= 145530: k = 0..22
    expect(o.length).toBe(23);
    expectSameFrames(l, o);
    expect(l.every((f) => Number.isFinite(f.captureTimeMs))).toBe(true);
    const fired = l.flatMap((f) => f.triggers.map((t) => `${t.rule}:${t.edge}`));
    expect(fired).toContain("solo:enter");
  });

  it("a known level reproduces offline's whole-track RMS normalisation exactly (relative scorer, 1 s hop)", async () => {
    const ref = await analyzeFile(wav, createScorer({}), { hopSec: 1, post });
    const l = await live(1, { kind: "fixed", rms: ref.trackRms }, {});
    expect(ref.frames.map((f) => f.startSample)).toEqual([0, 22050, 44100, 66150, 88200, 110250]);
    expectSameFrames(l, ref.frames);
  });
});
