import { describe, expect, it } from "vitest";
import { FramePowerSpectrum, centeredFrameCount, hannPeriodic, paddedSample } from "../../../src/features/stft.js";
import type { PadMode } from "../../../src/features/params.js";
import { expectAllClose } from "../../helpers/close.js";
import { runPython } from "../../helpers/python.js";
import { lcgNoise } from "../../helpers/signals.js";

/** NumPy/SciPy oracle: scipy's periodic Hann, numpy.pad, numpy.fft.rfft power per centred frame. */
const ORACLE = `
import sys, json, numpy as np, scipy.signal
req = json.loads(sys.stdin.read())
x = np.array(req["x"], dtype=np.float64)
n_fft, hop = req["n_fft"], req["hop"]
w = scipy.signal.get_window("hann", n_fft, fftbins=True)
out = {"window": w.tolist()}
for mode in ("constant", "reflect"):
    xp = np.pad(x, n_fft // 2, mode=mode)
    nf = 1 + (len(xp) - n_fft) // hop
    frames = np.stack([xp[t * hop : t * hop + n_fft] * w for t in range(nf)])
    out[mode] = (np.abs(np.fft.rfft(frames, axis=1)) ** 2).tolist()
    out[mode + "_padded"] = xp.tolist()
print(json.dumps(out))
`;

interface OracleOut {
  window: number[];
  constant: number[][];
  reflect: number[][];
  constant_padded: number[];
  reflect_padded: number[];
}

describe("STFT power frames vs numpy", () => {
  const nFft = 1024;
  const hop = 256;
  // 300 samples is shorter than the 512-sample pad, so numpy reflects more than once.
  for (const len of [300, 2000]) {
    it(`${len}-sample signal: window, padding and |rfft|^2 per frame, both pad modes`, () => {
      const x = lcgNoise(777, len);
      const ref = JSON.parse(runPython(ORACLE, JSON.stringify({ x: [...x], n_fft: nFft, hop }))) as OracleOut;
      expectAllClose(hannPeriodic(nFft), ref.window, 1e-15, "hann");
      const spec = new FramePowerSpectrum(nFft);
      for (const mode of ["constant", "reflect"] as PadMode[]) {
        const padded = Array.from({ length: len + nFft }, (_, i) => paddedSample(x, i - nFft / 2, mode));
        expectAllClose(padded, ref[`${mode}_padded`], 0, `${mode} padding`);
        const expected = ref[mode];
        expect(expected.length).toBe(centeredFrameCount(len, hop));
        const got: number[] = [];
        for (let t = 0; t < expected.length; t++) got.push(...spec.compute(x, t * hop - nFft / 2, mode));
        const want = expected.flat();
        const scale = Math.max(...want);
        const r = expectAllClose(
          got.map((v) => v / scale),
          want.map((v) => v / scale),
          1e-12,
          `${mode} power / max`,
        );
        console.log(`stft ${len} samples ${mode}: max |Δ|/max power ${r.maxAbs.toExponential(2)}`);
      }
    });
  }

  it("pads a 1-sample signal by repetition (reflect) and an empty one with zeros", () => {
    expect(paddedSample([0.25], -3, "reflect")).toBe(0.25);
    expect(paddedSample([], 5, "reflect")).toBe(0);
    expect(paddedSample([1, 2, 3], -1, "constant")).toBe(0);
    expect(paddedSample([1, 2, 3], 3, "reflect")).toBe(2);
  });

  it("rejects FFT sizes that are not powers of two", () => {
    expect(() => new FramePowerSpectrum(1000)).toThrow(/power of two/);
  });
});
