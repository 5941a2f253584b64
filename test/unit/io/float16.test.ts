/** float16 conversion and `<f2` .npy files, against NumPy's own float16. */
import { describe, expect, it } from "vitest";
// NumPy warns on stderr about the overflowing probes (65520, 1e6); that is expected.
import { fromFloat16Bits, roundToFloat16, toFloat16Bits } from "../../../src/io/float16.js";
import { encodeNpy, parseNpy } from "../../../src/io/npy.js";
import { runPython } from "../../helpers/python.js";

/** Values around every rounding case: ties, subnormals, overflow, signs, the score range. */
function probes(): number[] {
  const xs = [
    0,
    -0,
    1,
    -1,
    0.5,
    65504,
    65519.99,
    65520,
    1e6,
    -1e6,
    2 ** -24,
    2 ** -25,
    2 ** -25 * 1.0001,
    2 ** -14,
    2 ** -14 - 2 ** -25,
    6e-8,
    1e-10,
    0.1,
    1 / 3,
  ];
  // Exact ties between neighbouring halves near 1 (round half to even) and just off them.
  for (let m = 0; m < 8; m++) xs.push(1 + (m + 0.5) / 1024, 1 + (m + 0.5) / 1024 + 2 ** -20, 2 ** -20 * (m + 0.5));
  let s = 7;
  for (let i = 0; i < 400; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    xs.push(Math.fround(s / 2 ** 32), Math.fround((s / 2 ** 32 - 0.5) * 2 ** ((s % 40) - 20)));
  }
  return xs.map((x) => Math.fround(x));
}

describe("float16", () => {
  it("rounds exactly as NumPy's astype(float16)", () => {
    const xs = probes();
    const out = runPython(
      "import sys, numpy as np\nx = np.array([float(v) for v in sys.stdin.read().split()], dtype=np.float32)\nprint(' '.join(str(int(b)) for b in x.astype(np.float16).view(np.uint16)))",
      xs.map((x) => (Object.is(x, -0) ? "-0.0" : String(x))).join(" "),
    );
    const want = out.trim().split(" ").map(Number);
    const got = xs.map(toFloat16Bits);
    const bad = got.findIndex((b, i) => b !== want[i]);
    expect(bad === -1 ? "all equal" : `value ${xs[bad]}: ours 0x${got[bad]?.toString(16)}, NumPy 0x${want[bad]?.toString(16)}`).toBe(
      "all equal",
    );
  });

  it("decodes every bit pattern to the value NumPy gives", () => {
    const all = Array.from({ length: 65536 }, (_, b) => b).filter((b) => (b & 0x7c00) !== 0x7c00 || (b & 0x3ff) === 0);
    const out = runPython(
      "import sys, numpy as np\nb = np.array([int(v) for v in sys.stdin.read().split()], dtype=np.uint16)\nprint(' '.join(repr(float(v)) for v in b.view(np.float16)))",
      all.join(" "),
    );
    const want = out
      .trim()
      .split(" ")
      .map((t) => (t === "inf" ? Infinity : t === "-inf" ? -Infinity : Number(t)));
    const bad = all.findIndex((b, i) => !Object.is(fromFloat16Bits(b), want[i]));
    expect(bad === -1 ? "all equal" : `bits 0x${all[bad]?.toString(16)}: ${fromFloat16Bits(all[bad] as number)} vs ${want[bad]}`).toBe(
      "all equal",
    );
    expect(Number.isNaN(fromFloat16Bits(0x7e00))).toBe(true);
    expect(toFloat16Bits(Number.NaN) & 0x7fff).toBe(0x7e00);
  });

  it("writes <f2 .npy that NumPy reads and parseNpy reads back", () => {
    const data = [0, 0.25, 0.333, 0.99951171875, 1, 0.5004];
    const npy = encodeNpy(data, [2, 3], "<f2");
    const out = runPython(
      "import sys, io, numpy as np\na = np.load(io.BytesIO(bytes.fromhex(sys.stdin.read())))\nprint(a.dtype, a.shape, ' '.join(repr(float(v)) for v in a.ravel()))",
      npy.toString("hex"),
    );
    expect(out.trim()).toBe(
      `float16 (2, 3) ${data
        .map((v) => String(roundToFloat16(v)))
        .map((t) => (t.includes(".") || t.includes("e") ? t : `${t}.0`))
        .join(" ")}`,
    );
    const back = parseNpy(npy);
    expect(back.dtype).toBe("<f2");
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.data)).toEqual(data.map(roundToFloat16));
  });
});
