/**
 * Conformance suite for AudioSource implementations (CONTRIBUTING.md, habit 9): run for the file source
 * and for PortAudio capture from a virtual ALSA device. Checks chunk sizes and the sample clock,
 * bit-exact data against a reference, pacing (for paced sources), end of stream (finite sources),
 * and stop/restart.
 */
import { describe, expect, it } from "vitest";
import type { AudioChunk, AudioSource } from "../../src/audio/source.js";

/** What the suite needs to know about a source under test. */
export interface AudioSourceHarness {
  /** A fresh, unstarted source. */
  make(): Promise<AudioSource>;
  readonly channels: number;
  readonly sampleRateHz: number;
  readonly framesPerChunk: number;
  /** Interleaved samples the source must deliver from its start (at least a few chunks). */
  readonly reference: Float32Array;
  /** Delivers chunks at real time (otherwise: as fast as possible). */
  readonly paced: boolean;
  /** Total frames after which end() is called; undefined for endless sources (devices). */
  readonly totalFrames?: number;
}

interface Run {
  readonly chunks: AudioChunk[];
  readonly arrivals: number[];
  ended: boolean;
  errors: Error[];
}

/** Starts `src` and collects chunks until `until(run)` holds or `timeoutMs` passes. */
async function collect(src: AudioSource, until: (r: Run) => boolean, timeoutMs: number): Promise<Run> {
  const run: Run = { chunks: [], arrivals: [], ended: false, errors: [] };
  let wake: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (wake = resolve));
  const check = (): void => {
    if (until(run)) wake();
  };
  await src.start({
    chunk: (c) => {
      run.chunks.push(c);
      run.arrivals.push(performance.now());
      check();
    },
    end: () => {
      run.ended = true;
      wake();
    },
    error: (e) => {
      run.errors.push(e);
      wake();
    },
  });
  const timer = setTimeout(wake, timeoutMs);
  await done;
  clearTimeout(timer);
  return run;
}

const framesOf = (r: Run): number => r.chunks.reduce((n, c) => n + c.frames, 0);

/** Concatenated interleaved data of the first `frames` frames of a run. */
function dataOf(r: Run, frames: number, channels: number): Float32Array {
  const out = new Float32Array(frames * channels);
  let at = 0;
  for (const c of r.chunks) {
    if (at >= out.length) break;
    const take = Math.min(c.data.length, out.length - at);
    out.set(c.data.subarray(0, take), at);
    at += take;
  }
  return out;
}

/** Registers the conformance tests for one source kind. */
export function describeAudioSource(name: string, h: AudioSourceHarness): void {
  const chunkMs = (h.framesPerChunk / h.sampleRateHz) * 1000;
  const refFrames = Math.floor(h.reference.length / h.channels);

  describe(`AudioSource conformance: ${name}`, () => {
    it("reports its format and delivers fixed-size chunks on a contiguous sample clock, bit-exact", async () => {
      const src = await h.make();
      expect(src.info).toMatchObject({ channels: h.channels, sampleRateHz: h.sampleRateHz, framesPerChunk: h.framesPerChunk });
      const run = await collect(src, (r) => framesOf(r) >= refFrames, 20_000);
      await src.stop();
      expect(run.errors).toEqual([]);
      let next = 0;
      run.chunks.forEach((c, i) => {
        const last = h.totalFrames !== undefined && next + c.frames === h.totalFrames;
        if (!last) expect(c.frames, `chunk ${i}`).toBe(h.framesPerChunk);
        expect(c.startFrame, `chunk ${i}`).toBe(next);
        expect(c.data.length).toBe(c.frames * h.channels);
        expect(c.sampleRateHz).toBe(h.sampleRateHz);
        next += c.frames;
      });
      expect(framesOf(run)).toBeGreaterThanOrEqual(refFrames);
      const got = dataOf(run, refFrames, h.channels);
      expect(Buffer.from(got.buffer).equals(Buffer.from(h.reference.buffer, h.reference.byteOffset, refFrames * h.channels * 4))).toBe(
        true,
      );
      expect(src.stats().frames).toBe(framesOf(run));
    });

    it(h.paced ? "is paced at real time (audio time ~ wall time, capture times increase)" : "runs faster than real time", async () => {
      const src = await h.make();
      const wantFrames = Math.min(refFrames, Math.round(h.sampleRateHz * 0.6));
      const t0 = performance.now();
      const run = await collect(src, (r) => framesOf(r) >= wantFrames, 20_000);
      const wallMs = performance.now() - t0;
      await src.stop();
      const audioMs = (framesOf(run) / h.sampleRateHz) * 1000;
      if (h.paced) {
        // Arrival jitter is bursty (the pulse plugin hands over ~15 ms at a time), so compare totals.
        expect(wallMs).toBeGreaterThan(audioMs * 0.8 - 2 * chunkMs);
        expect(wallMs).toBeLessThan(audioMs * 1.5 + 300);
      } else {
        expect(wallMs).toBeLessThan(audioMs);
      }
      for (let i = 1; i < run.chunks.length; i++)
        expect(run.chunks[i]!.captureTimeMs).toBeGreaterThanOrEqual(run.chunks[i - 1]!.captureTimeMs);
    });

    if (h.totalFrames !== undefined) {
      const total = h.totalFrames;
      it("ends the stream once after the last frame and delivers nothing after it", async () => {
        const src = await h.make();
        const run = await collect(src, () => false, 20_000);
        expect(run.ended).toBe(true);
        const n = run.chunks.length;
        await new Promise((r) => setTimeout(r, 50));
        expect(run.chunks.length).toBe(n);
        expect(framesOf(run)).toBe(total);
        await src.stop();
      });
    }

    it("stops (no chunk after stop resolves) and restarts from a fresh sample clock", async () => {
      const src = await h.make();
      const first = await collect(src, (r) => r.chunks.length >= 3, 20_000);
      await src.stop();
      const n = first.chunks.length;
      await new Promise((r) => setTimeout(r, Math.max(60, 3 * chunkMs)));
      expect(first.chunks.length).toBe(n);
      await src.stop(); // idempotent
      const second = await collect(src, (r) => r.chunks.length >= 3, 20_000);
      await src.stop();
      expect(second.chunks[0]?.startFrame).toBe(0);
      const frames = Math.min(framesOf(second), refFrames);
      expect(
        Buffer.from(dataOf(second, frames, h.channels).buffer).equals(Buffer.from(h.reference.slice(0, frames * h.channels).buffer)),
      ).toBe(true);
    });

    it("refuses a second start without stop", async () => {
      const src = await h.make();
      await src.start({ chunk: () => undefined });
      await expect(src.start({ chunk: () => undefined })).rejects.toThrow(/already started/);
      await src.stop();
    });

    it("reports its health: ok with no gaps while it runs without losses", async () => {
      const src = await h.make();
      const run = await collect(src, (r) => r.chunks.length >= 3, 20_000);
      expect(run.errors).toEqual([]);
      expect(src.health()).toEqual({ state: "ok", gaps: 0 });
      await src.stop();
      expect(["ok", "stopped"]).toContain(src.health().state);
      expect(src.health().gaps).toBe(0);
    });
  });
}
