import { describe, expect, it } from "vitest";
import { RMS_SILENCE_THRESHOLD, rms, rmsNormalize } from "../../../src/features/normalize.js";
import { expectAllClose } from "../../helpers/close.js";
import { loadFixture } from "../../helpers/fixtures.js";
import { makeSignal } from "../../helpers/signals.js";

interface Case {
  name: string;
  input_check: { first8: number[]; y_11025: number; last: number; sum_of_squares: number; rms: number };
}
const cases = loadFixture<{ cases: Case[] }>("reference/mel_cases.json").cases;

describe("rmsNormalize", () => {
  for (const [base, normed] of [
    ["three_sines", "three_sines_rmsnorm"],
    ["lcg_noise", "lcg_noise_rmsnorm"],
  ] as const) {
    it(`${base} -> ${normed} matches the fixture's input_check`, () => {
      const c = cases.find((q) => q.name === normed);
      if (c === undefined) throw new Error(`${normed} fixture missing`);
      const x = makeSignal(base);
      const y = rmsNormalize(x);
      expect(y).toBeInstanceOf(Float64Array);
      expect(y).not.toBe(x);
      expectAllClose(y.subarray(0, 8), c.input_check.first8, 1e-14, `${normed} first8`);
      expectAllClose(
        [y[11025] as number, y[y.length - 1] as number],
        [c.input_check.y_11025, c.input_check.last],
        1e-14,
        `${normed} y[11025], last`,
      );
      expectAllClose([rms(y)], [c.input_check.rms], 1e-12, `${normed} rms`);
      expectAllClose([rms(x)], [cases.find((q) => q.name === base)?.input_check.rms ?? NaN], 1e-12, `${base} rms`);
    });
  }

  it("keeps float32 input as float32 and does not mutate it", () => {
    const x = new Float32Array([0.5, -0.5, 0.5, -0.5]);
    const y = rmsNormalize(x);
    expect(y).toBeInstanceOf(Float32Array);
    expect([...y]).toEqual([1, -1, 1, -1]);
    expect([...x]).toEqual([0.5, -0.5, 0.5, -0.5]);
  });

  it("returns zeros, never NaN, for silence, near-silence and empty input", () => {
    expect([...rmsNormalize(new Float64Array(4))]).toEqual([0, 0, 0, 0]);
    const dust = new Float64Array(4).fill(RMS_SILENCE_THRESHOLD / 2);
    expect([...rmsNormalize(dust)]).toEqual([0, 0, 0, 0]);
    expect(rmsNormalize(new Float32Array(0)).length).toBe(0);
    const quiet = new Float64Array(4).fill(RMS_SILENCE_THRESHOLD * 2);
    expect([...rmsNormalize(quiet)]).toEqual([1, 1, 1, 1]);
  });

  it("rejects NaN and Infinity instead of hiding them", () => {
    expect(() => rmsNormalize(new Float64Array([0, NaN]))).toThrow(/NaN or Infinity/);
    expect(() => rmsNormalize(new Float32Array([Infinity]))).toThrow(/NaN or Infinity/);
  });
});
