import { describe, expect, it } from "vitest";
import { integratedLoudness, kWeightingCoeffs } from "../../../../src/data/synth/loudness.js";
import { bandSignal } from "../../../helpers/band-signal.js";
import { BS1770_TABLE_48K, referenceLoudness } from "../../../helpers/bs1770.js";
import { expectAllClose } from "../../../helpers/close.js";

function sine(sr: number, seconds: number, hz: number, amp: number): Float32Array {
  return Float32Array.from({ length: Math.round(sr * seconds) }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / sr));
}

describe("BS.1770-4 loudness", () => {
  it("rebuilds the standard's 48 kHz K-weighting table", () => {
    const [shelf, highPass] = kWeightingCoeffs(48000);
    expectAllClose(shelf, BS1770_TABLE_48K.shelf, 1e-8, "pre-filter");
    expectAllClose(highPass, BS1770_TABLE_48K.highPass, 1e-8, "RLB high-pass");
  });

  it("reads a full-scale 997 Hz sine at 48 kHz as -3.01 LKFS (the standard's calibration)", () => {
    expect(integratedLoudness(sine(48000, 5, 997, 1), 48000)).toBeCloseTo(-3.01, 1);
  });

  // What is left (measured: at most 0.033 LU) is the bilinear warping of the shelf at 22.05 kHz
  // (-0.02 dB at 1 kHz against the 48 kHz table) and the reference resampler's roll-off at the top
  // of the band (it loses a little of the hi-hat).
  it("agrees with a NumPy/SciPy reference (48 kHz table, gates) within 0.05 LU at 22.05 and 44.1 kHz", () => {
    const cases = [22050, 44100].flatMap((sr) => {
      // Loud first half, then 25 dB down: the relative gate drops the quiet blocks.
      const stepped = bandSignal(sr, 8, 7).map((v, i) => (i < 4 * sr ? v : v * 0.056));
      return [sine(sr, 3, 1000, 0.1), sine(sr, 3, 60, 0.5), sine(sr, 3, 8000, 0.3), bandSignal(sr, 8), stepped].map((x) => ({ x, sr }));
    });
    const ref = referenceLoudness(
      cases.map((c) => c.x),
      cases.map((c) => c.sr),
    );
    const diffs = cases.map((c, i) => integratedLoudness(c.x, c.sr) - (ref[i] as number));
    expect(Math.max(...diffs.map(Math.abs)), diffs.map((d) => d.toFixed(4)).join(" ")).toBeLessThan(0.05);
  });

  it("gates silence and signals shorter than one block to -Infinity", () => {
    expect(integratedLoudness(new Float32Array(22050 * 2), 22050)).toBe(-Infinity);
    expect(integratedLoudness(sine(22050, 0.3, 1000, 0.5), 22050)).toBe(-Infinity);
    expect(integratedLoudness(sine(22050, 2, 1000, 1e-5), 22050)).toBe(-Infinity); // -100 dBFS: below -70 LKFS
  });
});
