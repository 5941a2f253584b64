import { describe, expect, it } from "vitest";
import { downmixToMono } from "../../../src/audio/downmix.js";
import { resample } from "../../../src/audio/resample.js";
import { windowStartSample } from "../../../src/audio/window-cutter.js";
import { Windower } from "../../../src/audio/windower.js";
import type { AudioChunk } from "../../../src/audio/source.js";
import type { AudioWindow } from "../../../src/audio/windower.js";

const W = 22050;

/** Deterministic planar test audio: a sine + LCG noise per channel, in [-0.8, 0.8]. */
function planar(frames: number, channels: number, seed = 7): Float32Array[] {
  let s = seed >>> 0;
  return Array.from({ length: channels }, (_, c) =>
    Float32Array.from({ length: frames }, (_x, i) => {
      s = (Math.imul(1664525, s) + 1013904223) >>> 0;
      return 0.5 * Math.sin(0.01 * (c + 1) * i) + 0.3 * ((2 * s) / 2 ** 32 - 1);
    }),
  );
}

/** Feeds planar audio through a windower in chunks of the given sizes (cycled); chunk k is stamped 1000 + end/rate s. */
function runWindower(w: Windower, ch: Float32Array[], rateHz: number, sizes: readonly number[]): AudioWindow[] {
  const n = ch[0]?.length ?? 0;
  const out: AudioWindow[] = [];
  for (let at = 0, k = 0; at < n; k++) {
    const frames = Math.min(sizes[k % sizes.length] as number, n - at);
    const data = new Float32Array(frames * ch.length);
    for (let i = 0; i < frames; i++) ch.forEach((x, c) => (data[i * ch.length + c] = x[at + i] as number));
    const chunk: AudioChunk = {
      data,
      channels: ch.length,
      frames,
      sampleRateHz: rateHz,
      startFrame: at,
      captureTimeMs: 1000 + ((at + frames) / rateHz) * 1000,
    };
    out.push(...w.push(chunk));
    at += frames;
  }
  out.push(...w.flush());
  return out;
}

describe("windowStartSample", () => {
  it("puts window k at round(k * hop * 22050): 0.25 s -> 0, 5513, 11025, 16538, 22050; 1 s -> k * 22050", () => {
    expect([0, 1, 2, 3, 4].map((k) => windowStartSample(k, 0.25, 22050))).toEqual([0, 5513, 11025, 16538, 22050]);
    expect([0, 1, 7].map((k) => windowStartSample(k, 1, 22050))).toEqual([0, 22050, 154350]);
    expect(windowStartSample(3, 0.1, 22050)).toBe(6615);
  });
});

describe("Windower", () => {
  it("gives the same windows for any chunking, equal to the whole-file downmix + resample", () => {
    const ch = planar(48000 * 3, 2);
    const whole = new Float32Array(resample(downmixToMono(ch), 48000, W));
    const opts = { inputRateHz: 48000, inputChannels: 2, normalization: { kind: "none" } as const };
    const a = runWindower(new Windower(opts), ch, 48000, [480]);
    const b = runWindower(new Windower(opts), ch, 48000, [7, 1000, 33333, 1]);
    const starts = a.map((x) => x.startSample);
    expect(starts).toEqual([0, 5513, 11025, 16538, 22050, 27563, 33075, 38588, 44100]);
    expect(b.map((x) => x.startSample)).toEqual(starts);
    a.forEach((win, i) => {
      expect(Buffer.from(win.samples.buffer).equals(Buffer.from((b[i] as AudioWindow).samples.buffer))).toBe(true);
      expect(Buffer.from(win.samples.buffer).equals(Buffer.from(whole.slice(win.startSample, win.startSample + W).buffer))).toBe(true);
    });
  });

  it("changes the hop from the next window on, the windows still cut from the same signal", () => {
    const ch = planar(48000 * 4, 1, 11);
    const whole = new Float32Array(resample(ch[0]!, 48000, W));
    const w = new Windower({ inputRateHz: 48000, inputChannels: 1, hopSec: 0.5, normalization: { kind: "none" } });
    const out: AudioWindow[] = [];
    const feed = (from: number, to: number): void => {
      const data = ch[0]!.slice(from, to);
      out.push(...w.push({ data, channels: 1, frames: data.length, sampleRateHz: 48000, startFrame: from, captureTimeMs: 0 }));
    };
    feed(0, 48000 * 1.6); // windows at 0 and 0.5 s are complete (the resampler's delay holds the 1.5 s one back)
    expect(out.map((x) => x.startSample)).toEqual([0, 11025]);
    w.setHop(0.25);
    expect(w.hopSec).toBe(0.25);
    feed(48000 * 1.6, 48000 * 4);
    out.push(...w.flush());
    // the next window keeps the old schedule (1 s), then every 0.25 s: 1.25, 1.5, ... 3.0 s
    expect(out.map((x) => x.startSample)).toEqual([0, 11025, 22050, 27563, 33075, 38588, 44100, 49613, 55125, 60638, 66150]);
    for (const win of out)
      expect(Buffer.from(win.samples.buffer).equals(Buffer.from(whole.slice(win.startSample, win.startSample + W).buffer))).toBe(true);
    expect(() => w.setHop(1.5)).toThrow("Expected hopSec in (0, 1] seconds, got 1.5");
  });

  it("selects channels and analyses each one on its own in per-channel mode", () => {
    const ch = planar(44100 * 2, 3, 11);
    const per = runWindower(
      new Windower({
        inputRateHz: 44100,
        inputChannels: 3,
        hopSec: 1,
        channelMode: { kind: "per-channel", channels: [2, 0] },
        normalization: { kind: "none" },
      }),
      ch,
      44100,
      [441],
    );
    expect(per.map((w) => [w.index, w.lane, w.channel])).toEqual([
      [0, 0, 2],
      [0, 1, 0],
      [1, 0, 2],
      [1, 1, 0],
    ]);
    const ref2 = new Float32Array(resample(ch[2] as Float32Array, 44100, W));
    expect(Array.from((per[2] as AudioWindow).samples)).toEqual(Array.from(ref2.subarray(W, 2 * W)));
    const mix = runWindower(
      new Windower({
        inputRateHz: 44100,
        inputChannels: 3,
        hopSec: 1,
        channelMode: { kind: "mix", channels: [0, 1] },
        normalization: { kind: "none" },
      }),
      ch,
      44100,
      [441],
    );
    const refMix = new Float32Array(resample(downmixToMono([ch[0] as Float32Array, ch[1] as Float32Array]), 44100, W));
    expect(Array.from((mix[0] as AudioWindow).samples)).toEqual(Array.from(refMix.subarray(0, W)));
  });

  it("stamps each window with the capture time of its last sample", () => {
    const ch = planar(48000 * 2, 1);
    const wins = runWindower(
      new Windower({ inputRateHz: 48000, inputChannels: 1, hopSec: 0.5, normalization: { kind: "none" } }),
      ch,
      48000,
      [480],
    );
    for (const w of wins) {
      // last analysis sample e-1 is input frame f = (e-1) * 48000/22050, captured at 1000 + (f+1)/48 ms
      const f = ((w.startSample + W - 1) * 48000) / W;
      expect(w.captureTimeMs).toBeCloseTo(1000 + (f + 1) / 48, 6);
    }
  });

  it("divides each window by the level: fixed RMS r gives samples / r", () => {
    const ch = planar(22050 * 2, 1);
    const none = runWindower(new Windower({ inputRateHz: W, inputChannels: 1, hopSec: 1, normalization: { kind: "none" } }), ch, W, [512]);
    const fixed = runWindower(
      new Windower({ inputRateHz: W, inputChannels: 1, hopSec: 1, normalization: { kind: "fixed", rms: 0.2 } }),
      ch,
      W,
      [512],
    );
    expect(fixed[1]?.levelRms).toBe(0.2);
    expect(Array.from(fixed[1]!.samples)).toEqual(Array.from(none[1]!.samples, (x) => Math.fround(x / 0.2)));
  });

  it("rejects bad settings with messages naming the value", () => {
    expect(() => new Windower({ inputRateHz: 48000, inputChannels: 2, hopSec: 1.5 })).toThrow("Expected hopSec in (0, 1] seconds, got 1.5");
    expect(() => new Windower({ inputRateHz: 48000, inputChannels: 2, channelMode: { kind: "mix", channels: [2] } })).toThrow(
      "Expected channels between 1 and 2, got 3",
    );
    expect(() => new Windower({ inputRateHz: 48000, inputChannels: 10, channelMode: { kind: "per-channel" } })).toThrow(
      /at most 8 channels/,
    );
  });
});
