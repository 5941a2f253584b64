/**
 * analyze's default segments are the live post stage's: a flickering score sequence goes through
 * the offline pipeline (scripted stand-in model), and the segments equal the active spans of a
 * PostStage driven here directly with the same frames on the sample clock. Raw segments flicker.
 */
import { describe, expect, it } from "vitest";
import { poolFrames } from "../../../src/analyze/rows.js";
import type { Segment } from "../../../src/analyze/segments.js";
import { DEFAULT_POST_CONFIG } from "../../../src/config/post-config.js";
import type { PostConfig } from "../../../src/config/post-config.js";
import type { Frame } from "../../../src/frame.js";
import { analyzeSamples } from "../../../src/pipeline/offline.js";
import { PostStage } from "../../../src/pipeline/post-stage.js";

const RATE = 22050;
const LABELS = ["drum set", "piano", "flute"];
const THRESHOLDS = [0.5, 0.5, 0.3];
const SECONDS = 40;

/** Scores at window start t (s). Drums: 0.57 / 0.44 around 0.5 in alternate seconds (1 s flicker);
 *  piano: a one-window burst at 3 s and 20 s; flute: a seeded random walk across its 0.3. */
function script(t: number): number[] {
  const walk = 0.3 + 0.1 * Math.sin(7.3 * t) * Math.cos(2.1 * t + 1);
  return [Math.floor(t + 1e-9) % 2 === 0 ? 0.57 : 0.44, t === 3 || t === 20 ? 0.9 : 0.1, walk];
}

/** A stand-in model that returns script(t) for the windows in order (it ignores the audio). */
function scripted(hopSec: number): Parameters<typeof analyzeSamples>[1] {
  let k = 0;
  return {
    labels: LABELS,
    thresholds: THRESHOLDS,
    modelId: "scripted",
    scoreSamples(_samples: Float32Array, n: number): Promise<Float32Array> {
      const out = new Float32Array(n * LABELS.length);
      for (let j = 0; j < n; j++, k++) out.set(script(Math.round(k * hopSec * 1e6) / 1e6), j * LABELS.length);
      return Promise.resolve(out);
    },
  };
}

async function run(hopSec: number, post?: PostConfig): Promise<Frame[]> {
  const noise = Float32Array.from({ length: SECONDS * RATE }, (_, i) => 0.1 * Math.sin(i * 0.37) * Math.sin(i * 0.0011));
  const r = await analyzeSamples(noise, scripted(hopSec), { hopSec, batchSize: 7, ...(post === undefined ? {} : { post }) });
  return r.frames;
}

/**
 * Active spans of the live PostStage fed `frames`' raw scores at their sample-clock times: frame k
 * at hop h stands for [t_k + (1 - h) / 2, t_k + (1 + h) / 2), the first from 0, the last to t + 1.
 */
function liveSpans(frames: readonly Frame[], hopSec: number, config: PostConfig = DEFAULT_POST_CONFIG): [number, number, number][] {
  const post = new PostStage(LABELS, THRESHOLDS, 1, config);
  const t = frames.map((f) => f.startSample / f.sampleRateHz);
  const active = frames.map((f, k) => post.step(0, f.raw, t[k]!).active);
  const spans: [number, number, number][] = [];
  for (let c = 0; c < LABELS.length; c++) {
    let from = -1;
    for (let k = 0; k <= frames.length; k++) {
      const on = k < frames.length && active[k]![c] === 1;
      if (on && from < 0) from = k;
      if (!on && from >= 0) {
        const start = from === 0 ? t[0]! : t[from]! + (1 - hopSec) / 2;
        const end = k === frames.length ? t[k - 1]! + 1 : t[k - 1]! + (1 + hopSec) / 2;
        spans.push([c, start, end]);
        from = -1;
      }
    }
  }
  return spans.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}

const spansOf = (segs: readonly Segment[]): [number, number, number][] => segs.map((s) => [s.column, s.startSec, s.endSec]);
const count = (segs: readonly Segment[], column: number): number => segs.filter((s) => s.column === column).length;

/** Same classes and spans, edges within `tolSec` (default one sample: sample-clock hops alternate 5512 / 5513 samples at 0.25 s). */
function expectSameSpans(got: [number, number, number][], want: [number, number, number][], tolSec = 1 / RATE): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    expect(g[0]).toBe(want[i]![0]);
    expect(Math.abs(g[1] - want[i]![1]) + Math.abs(g[2] - want[i]![2]), JSON.stringify([g, want[i]])).toBeLessThan(tolSec);
  });
}

describe("analyze segments through the live post stage", () => {
  it("a 1 s flicker around the threshold: raw gives a segment per second above, the default one", async () => {
    for (const hopSec of [1, 0.25]) {
      const frames = await run(hopSec);
      const raw = poolFrames("x.wav", sessionAt(hopSec), frames, 1, { segments: "raw" });
      const post = poolFrames("x.wav", sessionAt(hopSec), frames, 1, { segments: "post" });
      expect(count(raw.segments, 0), `hop ${hopSec}`).toBe(SECONDS / 2);
      expect(count(post.segments, 0), `hop ${hopSec}`).toBe(1);
      expect(post.segments.length, `hop ${hopSec}`).toBeLessThan(raw.segments.length / 2);
      expectSameSpans(spansOf(post.segments), liveSpans(frames, hopSec));
      // the score rows stay raw whatever the segments
      expect(post.rows).toEqual(raw.rows);
    }
  });

  it("follows the time constants in seconds at any hop (overlapping windows included)", async () => {
    // piano's one-window burst at 3 s: on at once, then held by the 0.5 s release and 0.5 s hold
    // (two frames at a 0.25 s hop, each standing for the 0.25 s at its window's centre; one at 1 s)
    const quarter = poolFrames("x.wav", sessionAt(0.25), await run(0.25), "window", { segments: "post" });
    expectSameSpans(spansOf(quarter.segments.filter((s) => s.column === 1)), [
      [1, 3.375, 3.875],
      [1, 20.375, 20.875],
    ]);
    const whole = poolFrames("x.wav", sessionAt(1), await run(1), "window", { segments: "post" });
    expectSameSpans(spansOf(whole.segments.filter((s) => s.column === 1)), [
      [1, 3, 4],
      [1, 20, 21],
    ]);
  });

  it("uses the post stage's config, not a copy of its defaults", async () => {
    const slow: PostConfig = {
      ...DEFAULT_POST_CONFIG,
      smoothing: { attackSec: 0, releaseSec: 2 },
      hysteresis: { band: 0.05, minHoldSec: 3 },
    };
    const frames = await run(0.5, slow);
    const post = poolFrames("x.wav", sessionAt(0.5), frames, 1, { segments: "post" });
    expectSameSpans(spansOf(post.segments), liveSpans(frames, 0.5, slow));
    const byDefault = poolFrames("x.wav", sessionAt(0.5), await run(0.5), 1, { segments: "post" });
    expect(spansOf(post.segments)).not.toEqual(spansOf(byDefault.segments));
  });
});

function sessionAt(hopSec: number): Parameters<typeof poolFrames>[1] {
  return {
    labels: LABELS,
    classIds: ["drums", "piano", "flute"],
    modelId: "scripted",
    thresholds: THRESHOLDS,
    sampleRateHz: RATE,
    inputRateHz: RATE,
    hopSec,
    windowSec: 1,
    source: { name: "x", kind: "offline", channels: 1 },
    lanes: [null],
    rules: [],
    startedAtMs: 0,
  };
}
