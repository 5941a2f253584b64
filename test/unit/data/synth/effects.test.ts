import { describe, expect, it } from "vitest";
import { ampCabinet, ampGainDb, applyFx, biquad, drive, passCoeffs, peakingCoeffs, reverb } from "../../../../src/data/synth/effects.js";
import { expectAllClose } from "../../../helpers/close.js";
import { runPython } from "../../../helpers/python.js";

const SR = 22050;

function noise(n: number, seed = 1): Float32Array {
  let s = seed;
  return new Float32Array(n).map(() => (s = (Math.imul(1664525, s) + 1013904223) >>> 0) / 2 ** 32 - 0.5);
}

type Case = readonly ["peak" | "low" | "high", number, number, number];

/** The same filters designed and run by scipy from the RBJ cookbook formulas, written independently. */
function scipyFilters(cases: readonly Case[], x: Float32Array): number[][] {
  const out = runPython(
    `import numpy as np, scipy.signal as s, json, sys
d = json.load(sys.stdin)
x = np.array(d["x"], dtype=np.float32).astype(np.float64)
sr = ${SR}
res = []
for kind, f0, gain, Q in d["cases"]:
    w0 = 2*np.pi*f0/sr
    if kind == "peak":
        A = 10**(gain/40); al = np.sin(w0)/(2*Q)
        b = [1+al*A, -2*np.cos(w0), 1-al*A]; a = [1+al/A, -2*np.cos(w0), 1-al/A]
    else:
        al = np.sin(w0)/(2*(1/np.sqrt(2))); c = np.cos(w0)
        b = [(1-c)/2, 1-c, (1-c)/2] if kind == "low" else [(1+c)/2, -(1+c), (1+c)/2]
        a = [1+al, -2*c, 1-al]
    res.append(s.lfilter(np.array(b)/a[0], np.array(a)/a[0], x).tolist())
print(json.dumps(res))`,
    JSON.stringify({ x: [...x], cases }),
  );
  return JSON.parse(out) as number[][];
}

describe("stem effects", () => {
  it("peaking EQ, low-pass and high-pass match scipy's lfilter on RBJ-cookbook coefficients", () => {
    const x = noise(4096);
    const cases: Case[] = [
      ["peak", 1000, 6, 1.2],
      ["peak", 300, -9, 0.7],
      ["low", 8000, 0, 0],
      ["high", 120, 0, 0],
    ];
    const expected = scipyFilters(cases, x);
    cases.forEach(([kind, hz, db, q], i) => {
      const y = x.slice();
      biquad(y, kind === "peak" ? peakingCoeffs(SR, hz, db, q) : passCoeffs(SR, hz, kind === "high"));
      expectAllClose(y, expected[i] as number[], 1e-5, `${kind} ${hz} Hz`);
    });
  });

  it("reverb keeps silence silent, rings after an impulse and decays", () => {
    const silent = new Float32Array(SR);
    reverb(silent, SR, 0.3, 0.8);
    expect(silent.every((v) => v === 0)).toBe(true);
    const x = new Float32Array(3 * SR);
    x[100] = 1;
    reverb(x, SR, 0.5, 0.8);
    const energy = (a: number, b: number): number => x.slice(a, b).reduce((s, v) => s + v * v, 0);
    expect(energy(200, 200 + SR / 2)).toBeGreaterThan(1e-4);
    expect(energy(2 * SR, 3 * SR)).toBeLessThan(energy(200, SR) * 0.1);
    expect(x.every(Number.isFinite)).toBe(true);
  });

  it("applies a whole chain deterministically, drive keeping the peak", () => {
    const fx = {
      gainDb: 0,
      pan: 0,
      eq: [{ hz: 2000, db: 4, q: 1 }],
      highPassHz: 80,
      lowPassHz: 8000,
      drive: 3,
      reverbWet: 0.2,
      reverbRoom: 0.5,
    };
    const a = noise(SR, 3).map((v) => v * 0.5);
    const b = a.slice();
    applyFx(a, fx, SR);
    applyFx(b, fx, SR);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Math.max(...a.map(Math.abs))).toBeLessThan(1);
  });

  it("amp + cabinet: heavy, asymmetric clipping with a cabinet roll-off, far from the mild drive (numpy spectra)", () => {
    expect([ampGainDb(0), ampGainDb(1.5), ampGainDb(5), ampGainDb(9)]).toEqual([20, 20, 45, 45]);
    const n = SR;
    const sine = new Float32Array(n).map((_, i) => 0.4 * Math.sin((2 * Math.PI * 220 * i) / SR));
    const amp = sine.slice();
    ampCabinet(amp, 3, SR);
    const mild = sine.slice();
    drive(mild, 3, SR);
    const again = sine.slice();
    ampCabinet(again, 3, SR);
    expect(Buffer.from(again.buffer).equals(Buffer.from(amp.buffer))).toBe(true);
    expect(Math.max(...amp.map(Math.abs))).toBeCloseTo(0.4, 5);
    // Spectra by numpy (Hann window, last 0.5 s: past the filters' transients).
    const bands = JSON.parse(
      runPython(
        `import numpy as np, json, sys
d = json.load(sys.stdin)
out = {}
for k in ("amp", "mild"):
    x = np.array(d[k][-11025:], dtype=np.float64) * np.hanning(11025)
    p = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(11025, 1 / 22050)
    h = lambda hz: float(p[np.argmin(np.abs(f - hz))])
    out[k] = {"h1": h(220), "h2": h(440), "h3": h(660), "mid": float(p[(f > 1000) & (f < 4000)].sum()), "top": float(p[f > 8000].sum()), "all": float(p.sum())}
print(json.dumps(out))`,
        JSON.stringify({ amp: Array.from(amp), mild: Array.from(mild) }),
      ),
    ) as Record<"amp" | "mild", Record<"h1" | "h2" | "h3" | "mid" | "top" | "all", number>>;
    const a = bands.amp;
    const m = bands.mild;
    // strong odd harmonics, and an even one from the asymmetry (the symmetric mild drive has none)
    expect(a.h3 / a.h1).toBeGreaterThan(0.05);
    expect(a.h2 / a.h1).toBeGreaterThan(1e-3);
    expect(m.h2 / m.h1).toBeLessThan(1e-5);
    // much more energy pushed into 1-4 kHz than the mild drive, and the cabinet keeps > 8 kHz tiny
    expect(a.mid / a.all).toBeGreaterThan(5 * (m.mid / m.all));
    expect(a.top / a.mid).toBeLessThan(1e-3);
  });
});
