/**
 * The BS.1770-4 meter on its own. Its agreement with an independent NumPy/SciPy meter (the
 * standard's 48 kHz table, after resampling) is checked in master.test.ts, in the one Python run
 * that also measures the mastering chain's output.
 */
import { describe, expect, it } from "vitest";
import { integratedLoudness, kWeightingCoeffs } from "../../../../src/data/synth/loudness.js";
import { BS1770_TABLE_48K } from "../../../helpers/bs1770.js";
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

  it("is independent of the rate for a band-limited signal (22.05, 44.1, 48 kHz within 0.05 LU)", () => {
    const at = (sr: number): number => integratedLoudness(sine(sr, 3, 440, 0.3), sr);
    expect(Math.abs(at(22050) - at(48000))).toBeLessThan(0.05);
    expect(Math.abs(at(44100) - at(48000))).toBeLessThan(0.05);
  });

  it("gates silence and signals shorter than one block to -Infinity", () => {
    expect(integratedLoudness(new Float32Array(22050 * 2), 22050)).toBe(-Infinity);
    expect(integratedLoudness(sine(22050, 0.3, 1000, 0.5), 22050)).toBe(-Infinity);
    expect(integratedLoudness(sine(22050, 2, 1000, 1e-5), 22050)).toBe(-Infinity); // -100 dBFS: below -70 LKFS
  });
});
