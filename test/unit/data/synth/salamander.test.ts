/**
 * The Salamander piano player (realism element `sampled`): the key map and layer choice, and that
 * a repitched recorded note sounds at the requested key — its fundamental, found by NumPy
 * (zero-padded FFT peak with parabolic interpolation), within 10 cents of equal temperament.
 * Needs the five velocity layers in the samples cache (`npm test`'s pretest installs them with
 * scripts/ensure-samples.sh).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nearestSampledKey, releaseTauSec, salamanderFile, salamanderSource, usedLayerFor } from "../../../../src/data/synth/salamander.js";
import {
  SALAMANDER_LAYERS,
  SALAMANDER_VERSION,
  salamanderInstallCommand,
  sampleSet,
  sampleSetInstalled,
} from "../../../../src/data/synth/sample-sets.js";
import { runPython } from "../../../helpers/python.js";

const SR = 22050;

/** Fundamentals in Hz of each x[from, from + n) near its expected Hz (±1.5 semitones), by NumPy. */
function fundamentalsHz(items: readonly { x: Float32Array; from: number; n: number; expectHz: number }[]): number[] {
  const out = runPython(
    `import numpy as np, json, sys
res = []
for d in json.load(sys.stdin):
    x = np.array(d["x"]); sr = d["sr"]; f0 = d["f0"]
    w = x * np.hanning(len(x)); nfft = 1 << 18
    mag = np.abs(np.fft.rfft(w, nfft)); hz = np.arange(len(mag)) * sr / nfft
    band = np.nonzero((hz > f0 * 2 ** (-1.5 / 12)) & (hz < f0 * 2 ** (1.5 / 12)))[0]
    k = band[np.argmax(mag[band])]
    a, b, c = np.log(mag[k - 1]), np.log(mag[k]), np.log(mag[k + 1])
    res.append((k + 0.5 * (a - c) / (a - 2 * b + c)) * sr / nfft)
print(json.dumps(res))`,
    JSON.stringify(
      items.map((w) => ({ x: [...w.x.subarray(w.from, w.from + w.n)].map((v) => Number(v.toFixed(7))), sr: SR, f0: w.expectHz })),
    ),
  );
  return JSON.parse(out) as number[];
}

const cents = (hz: number, key: number): number => 1200 * Math.log2(hz / (440 * Math.pow(2, (key - 69) / 12)));

describe("Salamander piano sampler", () => {
  it("maps keys to the sampled notes every 3 semitones from A0, and velocities to the used layers", () => {
    expect(salamanderFile(60, 10)).toBe("C4v10.ogg");
    expect(salamanderFile(63, 4)).toBe("D#4v4.ogg");
    expect(salamanderFile(21, 16)).toBe("A0v16.ogg");
    expect(salamanderFile(108, 7)).toBe("C8v7.ogg");
    expect([60, 61, 62, 63, 20, 110].map(nearestSampledKey)).toEqual([60, 60, 63, 63, 21, 108]);
    for (let k = 21; k <= 108; k++) expect(Math.abs(k - nearestSampledKey(k))).toBeLessThanOrEqual(1);
    expect([1, 24, 40, 64, 88, 104, 127].map(usedLayerFor)).toEqual([4, 4, 4, 7, 10, 13, 16]);
    expect(releaseTauSec(21)).toBeGreaterThan(releaseTauSec(88));
  });

  it("installs the same packages from the test pipeline (scripts/ensure-samples.sh) as synth asks for", () => {
    const script = readFileSync(join(import.meta.dirname, "../../../../scripts/ensure-samples.sh"), "utf8");
    const layers = /^layers=\(([\d ]+)\)$/m.exec(script)?.[1]?.split(" ").map(Number);
    const version = /^version="([^"]+)"$/m.exec(script)?.[1];
    expect([layers, version]).toEqual([SALAMANDER_LAYERS, SALAMANDER_VERSION]);
    for (const v of SALAMANDER_LAYERS)
      expect(salamanderInstallCommand()).toContain(`@audio-samples/piano-velocity${v}@${SALAMANDER_VERSION}`);
  });

  it("plays a repitched recorded note within 10 cents of the requested key, released after the held length", () => {
    const set = sampleSet("salamander-grand-v3");
    expect(sampleSetInstalled(set), `Salamander layers missing: ${set.install}`).toBe(true);
    const src = salamanderSource(set.dir, set.name, SR);
    // 62 = D4 from D#4 one semitone down; 58 = A#3 from A3 one up; 45 = A2 as recorded.
    const keys = [62, 58, 45];
    const hold = SR; // 1 s
    const notes = keys.map((key) => src.render(key, 80, hold, undefined));
    const hz = fundamentalsHz(
      notes.map((x, i) => ({
        x,
        from: Math.round(0.1 * SR),
        n: Math.round(0.5 * SR),
        expectHz: 440 * Math.pow(2, ((keys[i] as number) - 69) / 12),
      })),
    );
    keys.forEach((key, i) => {
      const x = notes[i] as Float32Array;
      expect(Math.abs(cents(hz[i] as number, key)), `key ${key}: ${hz[i]} Hz`).toBeLessThan(10);
      // The damper: 60 dB down 6.9 time constants after note-off, then the note ends.
      expect(x.length).toBe(hold + Math.ceil(6.9 * releaseTauSec(key) * SR));
      const rms = (a: number, b: number): number => Math.sqrt(x.subarray(a, b).reduce((s, v) => s + v * v, 0) / (b - a));
      expect(rms(x.length - 200, x.length)).toBeLessThan(rms(hold - 2000, hold) * 0.01);
    });
    // Louder velocities play louder (and brighter) recordings.
    const peak = (v: number): number => src.render(60, v, SR / 2, undefined).reduce((m, s) => Math.max(m, Math.abs(s)), 0);
    expect(peak(110)).toBeGreaterThan(peak(60) * 1.5);
  });
});
