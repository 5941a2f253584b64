import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { convolve, synthIr, type IrParams } from "../../../../src/data/synth/reverb-ir.js";
import { Rng } from "../../../../src/data/synth/rng.js";
import { bandSignal } from "../../../helpers/band-signal.js";
import { runPython } from "../../../helpers/python.js";

const SR = 22050;
const room: IrParams = { kind: "room", rt60Sec: 0.8, hfRatio: 1, crossoverHz: 3000, predelayMs: 8, earlyReflections: 10, buildUpMs: 20 };
const plate: IrParams = { kind: "plate", rt60Sec: 2, hfRatio: 1, crossoverHz: 4000, predelayMs: 12, earlyReflections: 0, buildUpMs: 2 };

/**
 * NumPy/SciPy: fftconvolve of the input with each IR (first n samples), and each IR's decay time
 * from Schroeder backward integration (T20: the -5..-25 dB fit of the energy decay curve, x3),
 * broadband and in the octave at 8 kHz (Butterworth band-pass, filtered forwards and backwards).
 */
function reference(x: Float32Array, irs: readonly Float32Array[]): { conv: number[][]; t60: number[]; t60High: number[] } {
  const dir = mkdtempSync(join(tmpdir(), "ts-ir-"));
  try {
    const w = (name: string, a: Float32Array): string => {
      writeFileSync(join(dir, name), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
      return join(dir, name);
    };
    const paths = { x: w("x.f32", x), irs: irs.map((h, i) => w(`h${i}.f32`, h)) };
    const code = `
import sys, json, numpy as np, scipy.signal as s
d = json.load(sys.stdin); sr = ${SR}
x = np.fromfile(d["x"], dtype=np.float32).astype(np.float64)
def t60(h):
    edc = np.cumsum((h ** 2)[::-1])[::-1]
    edc_db = 10 * np.log10(edc / edc[0])
    i5, i25 = np.argmax(edc_db <= -5), np.argmax(edc_db <= -25)
    t = np.arange(i5, i25) / sr
    slope = np.polyfit(t, edc_db[i5:i25], 1)[0]
    return -60.0 / slope
conv, t60s, t60h = [], [], []
sos = s.butter(4, [5657, 10000], btype="band", fs=sr, output="sos")
for p in d["irs"]:
    h = np.fromfile(p, dtype=np.float32).astype(np.float64)
    conv.append(s.fftconvolve(x, h)[: len(x)][::50].tolist())
    t60s.append(t60(h))
    t60h.append(t60(s.sosfiltfilt(sos, h)))
print(json.dumps({"conv": conv, "t60": t60s, "t60High": t60h}))
`;
    return JSON.parse(runPython(code, JSON.stringify(paths))) as { conv: number[][]; t60: number[]; t60High: number[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("impulse-response reverb", () => {
  const dark: IrParams = { ...room, hfRatio: 0.4 };
  const irs = [synthIr(room, SR, new Rng("ir-test")), synthIr(plate, SR, new Rng("ir-test")), synthIr(dark, SR, new Rng("ir-test"))];
  const x = bandSignal(SR, 4);
  const ref = reference(x, irs);

  it("convolves like scipy.signal.fftconvolve", () => {
    irs.forEach((h, k) => {
      const y = convolve(x, h);
      const want = ref.conv[k] as number[];
      let worst = 0;
      let peak = 0;
      want.forEach((v, j) => {
        worst = Math.max(worst, Math.abs((y[j * 50] as number) - v));
        peak = Math.max(peak, Math.abs(v));
      });
      expect(worst / peak, `IR ${k}`).toBeLessThan(1e-6);
    });
  });

  it("decays as designed: broadband RT60 within 10 %, the treble faster by hfRatio", () => {
    expect(Math.abs((ref.t60[0] as number) / room.rt60Sec - 1)).toBeLessThan(0.1);
    expect(Math.abs((ref.t60[1] as number) / plate.rt60Sec - 1)).toBeLessThan(0.1);
    expect(Math.abs((ref.t60High[0] as number) / room.rt60Sec - 1)).toBeLessThan(0.15);
    expect(Math.abs((ref.t60High[2] as number) / (dark.rt60Sec * dark.hfRatio) - 1)).toBeLessThan(0.15);
  });

  it("has unit energy, its pre-delay, and the same samples for the same stream", () => {
    for (const h of irs) expect(h.reduce((e, v) => e + v * v, 0)).toBeCloseTo(1, 5);
    const pre = Math.round((room.predelayMs / 1000) * SR);
    expect(irs[0]?.subarray(0, pre).every((v) => v === 0)).toBe(true);
    expect(synthIr(room, SR, new Rng("ir-test"))).toEqual(irs[0]);
    expect(synthIr(room, SR, new Rng("other"))).not.toEqual(irs[0]);
  });
});
