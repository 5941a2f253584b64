/**
 * Pitch shifting for augmentation (librosa effects.pitch_shift recipe) against an independent
 * numpy/scipy implementation of the same recipe: librosa 0.10's stft / phase_vocoder / istft
 * written out in numpy, then scipy.signal.resample_poly with the same rational rate (timbrescope's
 * "scipy-poly" resampler filter is resample_poly's). Plus the musical check: a 440 Hz tone moved
 * by +3 semitones sits at 523.25 Hz.
 */
import { describe, expect, it } from "vitest";
import { pitchResampleRates, pitchShift, rationalApprox } from "../../../src/features/pitch-shift.js";
import { expectAllClose } from "../../helpers/close.js";
import { runPython } from "../../helpers/python.js";

const SR = 22050;

const ORACLE = String.raw`
import sys, json, numpy as np, scipy.signal
arg = json.loads(sys.stdin.readline())
y = np.array(arg["x"], dtype=np.float64)
n_fft, hop = 2048, 512
win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
def stft(y):
    yp = np.pad(y, (n_fft // 2, n_fft // 2))
    n = 1 + len(y) // hop
    frames = np.stack([yp[t * hop : t * hop + n_fft] * win for t in range(n)], axis=1)
    return np.fft.rfft(frames, axis=0)
def phase_vocoder(D, rate):
    steps = np.arange(0, D.shape[1], rate, dtype=np.float64)
    out = np.zeros((D.shape[0], len(steps)), dtype=complex)
    adv = np.linspace(0, np.pi * hop, D.shape[0])
    acc = np.angle(D[:, 0])
    D = np.pad(D, [(0, 0), (0, 2)])
    for t, s in enumerate(steps):
        c = D[:, int(s) : int(s + 2)]
        a = np.mod(s, 1.0)
        mag = (1 - a) * np.abs(c[:, 0]) + a * np.abs(c[:, 1])
        out[:, t] = mag * np.exp(1j * acc)
        d = np.angle(c[:, 1]) - np.angle(c[:, 0]) - adv
        d = d - 2 * np.pi * np.round(d / (2 * np.pi))
        acc = acc + adv + d
    return out
def istft(D, length):
    n = min(D.shape[1], int(np.ceil((length + 2 * (n_fft // 2)) / hop)))
    y = np.zeros(n_fft + hop * (n - 1)); w = np.zeros_like(y)
    frames = np.fft.irfft(D[:, :n], n=n_fft, axis=0)
    for t in range(n):
        y[t * hop : t * hop + n_fft] += win * frames[:, t]; w[t * hop : t * hop + n_fft] += win ** 2
    nz = w > np.finfo(np.float32).tiny
    y[nz] /= w[nz]
    y = y[n_fft // 2 :][:length]
    return np.pad(y, (0, length - len(y)))
out = {}
for s, (p, q) in arg["shifts"].items():
    rate = p / q
    st = istft(phase_vocoder(stft(y), rate), int(round(len(y) / rate)))
    r = scipy.signal.resample_poly(st, p, q)
    r = r[: len(y)]; r = np.pad(r, (0, len(y) - len(r)))
    out[s] = r.tolist()
print(json.dumps(out))
`;

describe("pitchShift", () => {
  it("matches a numpy/scipy implementation of librosa's recipe", () => {
    const n = 2 * SR + 777;
    let seed = 9;
    const x = Float32Array.from({ length: n }, (_, i) => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return (
        0.5 * Math.sin((2 * Math.PI * 330 * i) / SR) +
        0.3 * Math.sin((2 * Math.PI * 1234.5 * i) / SR) * Math.exp(-i / SR) +
        0.05 * (seed / 2 ** 32 - 0.5)
      );
    });
    const shifts = [-6, -1, 3, 5];
    const rates = Object.fromEntries(
      shifts.map((s) => {
        const r = pitchResampleRates(s);
        return [String(s), [r.outRate, r.inRate]];
      }),
    );
    const ref = JSON.parse(runPython(ORACLE, JSON.stringify({ x: Array.from(x), shifts: rates }) + "\n")) as Record<string, number[]>;
    for (const s of shifts) {
      const got = pitchShift(x, s, { filter: "scipy-poly" });
      expect(got.length).toBe(n);
      expectAllClose(got, ref[String(s)] as number[], 2e-5, `shift ${s}`);
    }
  }, 60_000);

  it("moves a 440 Hz tone by +3 semitones to 523.25 Hz, keeping the length", () => {
    const n = 3 * SR;
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / SR));
    const y = pitchShift(x, 3);
    expect(y.length).toBe(n);
    // Rising zero crossings over the middle 2 s (away from the edges).
    let crossings = 0;
    for (let i = SR / 2 + 1; i < SR / 2 + 2 * SR; i++) if ((y[i - 1] as number) < 0 && (y[i] as number) >= 0) crossings++;
    expect(Math.abs(crossings / 2 - 440 * 2 ** (3 / 12))).toBeLessThanOrEqual(1);
  });

  it("approximates rates with small rationals (continued fractions)", () => {
    expect(rationalApprox(2 ** (1 / 12), 100)).toEqual({ p: 89, q: 84 }); // convergents 17/16, 18/17, 89/84, 196/185
    expect(rationalApprox(0.5, 10)).toEqual({ p: 1, q: 2 });
    const { p, q } = rationalApprox(Math.PI, 1000);
    expect([p, q]).toEqual([355, 113]);
    for (let s = -6; s <= 5; s++) {
      const r = pitchResampleRates(s);
      expect(r.inRate).toBeLessThanOrEqual(1000);
      expect(Math.abs(1200 * Math.log2(r.rate / 2 ** (-s / 12)))).toBeLessThan(0.03); // cents
    }
  });
});
