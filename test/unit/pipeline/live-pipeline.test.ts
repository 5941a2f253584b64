import { describe, expect, it } from "vitest";
import { FileSource } from "../../../src/audio/file-source.js";
import { nowMs } from "../../../src/audio/source.js";
import type { AudioSource, SourceListener } from "../../../src/audio/source.js";
import { LivePipeline } from "../../../src/pipeline/live.js";
import { UserError } from "../../../src/errors.js";
import { setLogWriter } from "../../../src/log.js";
import { CollectSink } from "../../helpers/collect-sink.js";
import { fakeScorerSpec } from "../../helpers/fake-scorer.js";
import { sceneInt16 } from "../../helpers/live-signals.js";

const audio = (seconds: number) => ({
  channels: sceneInt16([{ seconds, classes: [0] }], 22050).map((x) => Float32Array.from(x, (v) => v / 32768)),
  sampleRateHz: 22050,
  format: "test",
});

/** Wraps a source and records how late each chunk reached the pipeline (arrival - capture time). */
function timed(src: AudioSource): { source: AudioSource; lateMs: number[] } {
  const lateMs: number[] = [];
  const source: AudioSource = {
    info: src.info,
    stats: () => src.stats(),
    health: () => src.health(),
    stop: () => src.stop(),
    start: (l: SourceListener) =>
      src.start({
        ...l,
        chunk: (c) => {
          lateMs.push(nowMs() - c.captureTimeMs);
          return l.chunk(c);
        },
      }),
  };
  return { source, lateMs };
}

describe("LivePipeline", () => {
  it("keeps capture on time while the model hogs its (worker) thread, and counts the windows it drops", async () => {
    const { source, lateMs } = timed(FileSource.fromAudio("busy", audio(3), { pace: "realtime" }));
    const sink = new CollectSink();
    const p = await LivePipeline.start({
      source,
      scorer: fakeScorerSpec({ busyMs: 500 }),
      sinks: [sink],
      maxBatch: 1,
      maxPendingWindows: 2,
      statusIntervalMs: 100,
    });
    const s = await p.done;
    // 3 s at a 0.25 s hop = 9 windows; one is scored per 500 ms, two may wait: some are dropped
    expect(s.windowsScored + s.droppedWindows).toBe(9);
    expect(s.droppedWindows).toBeGreaterThan(0);
    expect(sink.frames.length).toBe(s.windowsScored);
    expect(Math.max(...lateMs)).toBeLessThan(60);
    const last = sink.statuses.at(-1)!;
    expect(last.droppedWindows).toBe(s.droppedWindows);
    expect(last.numTensors).toBe(7);
    expect(last.inferenceMsP50).toBeGreaterThanOrEqual(500);
    // latency = model time + waiting; it is measured from each window's last captured sample
    expect(s.latencyMs.p50).toBeGreaterThanOrEqual(500);
  });

  it("reports low latency with a fast model on a paced source", async () => {
    const p = await LivePipeline.start({
      source: FileSource.fromAudio("fast", audio(2.5), { pace: "realtime" }),
      scorer: fakeScorerSpec(),
      sinks: [],
    });
    const s = await p.done;
    expect(s.windowsScored).toBe(7);
    expect(s.droppedWindows).toBe(0);
    expect(s.latencyMs.count).toBe(7);
    expect(s.latencyMs.p95).toBeLessThan(100);
  });

  it("a scorer that cannot be loaded is a one-line user error; a failing one ends the run with its message", async () => {
    await expect(
      LivePipeline.start({ source: FileSource.fromAudio("x", audio(1.5)), scorer: { module: "/nonexistent/scorer.js" } }),
    ).rejects.toThrow(UserError);
    const lines: string[] = [];
    const prev = setLogWriter((l) => lines.push(l));
    try {
      const p = await LivePipeline.start({
        source: FileSource.fromAudio("x", audio(1.5), { pace: "fast" }),
        scorer: fakeScorerSpec({ failWith: "out of memory" }),
        overflow: "wait",
      });
      await expect(p.done).rejects.toThrow("scorer failed: out of memory");
    } finally {
      setLogWriter(prev);
    }
    expect(lines).toContain("error: live pipeline: scorer failed: out of memory");
  });

  it("a source that fails to start ends the run before it begins, closing the sinks", async () => {
    const sink = new CollectSink();
    const broken: AudioSource = {
      info: { name: "broken", kind: "device", channels: 1, sampleRateHz: 48000, framesPerChunk: 480 },
      start: () => Promise.reject(new UserError("Cannot open capture device broken")),
      stop: () => Promise.resolve(),
      stats: () => ({ chunks: 0, frames: 0, xruns: 0 }),
      health: () => ({ state: "stopped", gaps: 0 }),
    };
    await expect(LivePipeline.start({ source: broken, scorer: fakeScorerSpec(), sinks: [sink] })).rejects.toThrow(
      "Cannot open capture device broken",
    );
    expect(sink.closed).toBe(true);
  });

  it("applies control commands to all lanes and rejects bad ones in one line", async () => {
    const p = await LivePipeline.start({ source: FileSource.fromAudio("c", audio(1.2), { pace: "realtime" }), scorer: fakeScorerSpec() });
    p.control({ type: "set-threshold", label: "drum set", value: 0.8 });
    p.control({ type: "mute", label: "piano", muted: true });
    expect(p.state().thresholds[0]).toBe(0.8);
    expect(p.state().muted[7]).toBe(true);
    expect(() => p.control({ type: "set-threshold", label: "banjo", value: 0.5 })).toThrow(
      'Expected a class the model outputs, got "banjo"',
    );
    expect(() => p.control({ type: "set-threshold", label: "drums", value: 2 })).toThrow("Expected threshold in [0, 1], got 2");
    expect(() => p.control({ type: "record", on: true })).toThrow("recording is not available: start live with --record FILE.jsonl");
    await p.stop();
    await p.stop();
  });

  it("is created, then given sinks and controls, then started; its state holds the smoothing in effect", async () => {
    const p = await LivePipeline.create({
      source: FileSource.fromAudio("c", audio(2.2), { pace: "fast" }),
      scorer: fakeScorerSpec(),
      overflow: "wait",
    });
    // Controls and the hop work before the run starts (sinks and control inputs are built around the pipeline).
    expect(p.state().smoothing).toEqual({ attackSec: 0, releaseSec: 0.5 });
    p.control({ type: "set-smoothing", attackSec: 0.1, releaseSec: 2 });
    p.control({ type: "set-smoothing", attackSec: 0.3, releaseSec: 0.3, label: "piano" });
    expect(p.state().smoothing).toEqual({ attackSec: 0.1, releaseSec: 2 });
    p.setHop(0.5);
    expect(() => p.setHop(2)).toThrow(new UserError("Expected a hop in (0, 1] seconds, got 2"));
    const sink = new CollectSink();
    p.attach(sink);
    await p.start();
    expect(() => p.attach(new CollectSink())).toThrow("LivePipeline: attach sinks before start()");
    const s = await p.done;
    expect(sink.session?.hopSec).toBe(0.5);
    expect(sink.frames.map((f) => f.startSample)).toEqual([0, 11025, 22050]);
    expect(s.windowsScored).toBe(3);
    expect(sink.closed).toBe(true);
  });

  it("stopped before it starts, releases the worker and the sinks and announces nothing", async () => {
    const sink = new CollectSink();
    const p = await LivePipeline.create({ source: FileSource.fromAudio("c", audio(1.2)), scorer: fakeScorerSpec(), sinks: [sink] });
    const s = await p.stop();
    expect([s.windowsScored, sink.session, sink.statuses.length, sink.closed]).toEqual([0, undefined, 0, true]);
    await expect(p.start()).rejects.toThrow("LivePipeline: start() called twice or after stop()");
  });
});
