import { describe, expect, it } from "vitest";
import { RealFftPower } from "../../../src/features/real-fft.js";
import { hannPeriodic } from "../../../src/features/stft.js";
import { expectAllClose } from "../../helpers/close.js";
import { runPython } from "../../helpers/python.js";
import { lcgNoise } from "../../helpers/signals.js";

/** NumPy oracle: |rfft(w * x[start:start+n])|^2 with scipy's periodic Hann, for each size. */
const ORACLE = `
import sys, json, numpy as np, scipy.signal
req = json.loads(sys.stdin.read())
x = np.array(req["x"], dtype=np.float64)
out = {}
for n in req["sizes"]:
    w = scipy.signal.get_window("hann", n, fftbins=True)
    out[str(n)] = (np.abs(np.fft.rfft(x[req["start"]:req["start"] + n] * w)) ** 2).tolist()
print(json.dumps(out))
`;

// Every first-stage radix (2 for 4, 4 for 8/32/128/512, 8 for 16/64/256/1024/4096).
const SIZES = [4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096];

describe("RealFftPower", () => {
  const x = lcgNoise(4242, 5000);
  const start = 37;
  const ref = JSON.parse(runPython(ORACLE, JSON.stringify({ x: [...x], sizes: SIZES, start }))) as Record<string, number[]>;

  for (const n of SIZES) {
    it(`nFft ${n}: power matches numpy rfft, js and wasm stages bit-identical`, () => {
      const want = ref[String(n)] ?? [];
      expect(want.length).toBe(n / 2 + 1);
      const wasm = new RealFftPower(n, hannPeriodic(n));
      const js = new RealFftPower(n, hannPeriodic(n), { backend: "js" });
      // Node 20 has WebAssembly SIMD, so the comparison below really is wasm against JS.
      expect([wasm.backend, js.backend]).toEqual(["wasm", "js"]);
      const got = Array.from(wasm.transform(x, start));
      const scale = Math.max(...want);
      expectAllClose(
        got.map((v) => v / scale),
        want.map((v) => v / scale),
        1e-13,
        `nFft ${n} power / max`,
      );
      expect(Array.from(js.transform(x, start))).toEqual(got);
      // float32 input reads the same way (the live path passes float32 samples).
      const x32 = Float32Array.from(x);
      const ref32 = Array.from(js.transform(Float64Array.from(x32), start));
      expect(Array.from(wasm.transform(x32, start))).toEqual(ref32);
    });
  }

  it("rejects sizes that are not powers of two >= 4 and windows of the wrong length", () => {
    expect(() => new RealFftPower(2, [1, 1])).toThrow(/power of two >= 4, got 2/);
    expect(() => new RealFftPower(96, new Float64Array(96))).toThrow(/power of two/);
    expect(() => new RealFftPower(8, new Float64Array(4))).toThrow(/window has 4 values, nFft is 8/);
  });
});
