import { describe, expect, it } from "vitest";
import { applyTilt, drawMaster, masterMix, type MasterParams } from "../../../../src/data/synth/master.js";
import { toInt16 } from "../../../../src/data/synth/wav-writer.js";
import { bandSignal } from "../../../helpers/band-signal.js";
import { referenceLoudness } from "../../../helpers/bs1770.js";
import { runPython } from "../../../helpers/python.js";

const SR = 22050;

/** The first song keys whose drawn chains have each property (the draw is cheap and deterministic). */
function keysWhere(preds: readonly ((p: MasterParams) => boolean)[]): string[] {
  return preds.map((pred) => {
    for (let k = 0; ; k++) if (pred(drawMaster(`master-test/${k}`))) return `master-test/${k}`;
  });
}

describe("mastering chain", () => {
  it("draws per song from its own stream: same key, same chain; shares and ranges as specified", () => {
    expect(drawMaster("synth/1/track/3")).toEqual(drawMaster("synth/1/track/3"));
    expect(drawMaster("synth/1/track/3")).not.toEqual(drawMaster("synth/1/track/4"));
    const all = Array.from({ length: 600 }, (_, k) => drawMaster(`synth/9/track/${k}`));
    const share = (f: (p: MasterParams) => boolean): number => all.filter(f).length / all.length;
    expect(share((p) => p.lossy !== undefined)).toBeGreaterThan(0.29);
    expect(share((p) => p.lossy !== undefined)).toBeLessThan(0.41);
    expect(share((p) => p.lossy?.codec === "mp3") / share((p) => p.lossy !== undefined)).toBeGreaterThan(0.35);
    expect(share((p) => p.reverb !== undefined)).toBeGreaterThan(0.52);
    for (const p of all) {
      expect(p.lufsTarget).toBeGreaterThanOrEqual(-14);
      expect(p.lufsTarget).toBeLessThanOrEqual(-7);
      expect(Math.abs(p.tiltDb)).toBeLessThanOrEqual(3);
      expect(p.comp.ratio).toBeGreaterThanOrEqual(1.5);
      expect(p.comp.ratio).toBeLessThanOrEqual(4);
      expect(p.limiter.ceilingDb).toBeLessThanOrEqual(-0.1);
    }
  });

  it("tilts as designed: measured response equals the RBJ shelf pair computed by scipy, ±tilt/2 at the band edges", () => {
    const cases = [
      { tilt: 3, pivot: 1000 },
      { tilt: -2.2, pivot: 700 },
    ];
    const n = 16384;
    const irs = cases.map(({ tilt, pivot }) => {
      const x = new Float32Array(n);
      x[0] = 1;
      applyTilt(x, SR, tilt, pivot);
      return [...x];
    });
    const code = `
import sys, json, numpy as np, scipy.signal as s
d = json.load(sys.stdin); sr = ${SR}
def shelf(f0, g, high):
    A = 10 ** (g / 40); w = 2 * np.pi * f0 / sr; c = np.cos(w); al = np.sin(w) / 2 * np.sqrt(2); r = 2 * np.sqrt(A) * al
    if high:
        b = [A*((A+1)+(A-1)*c+r), -2*A*((A-1)+(A+1)*c), A*((A+1)+(A-1)*c-r)]; a = [(A+1)-(A-1)*c+r, 2*((A-1)-(A+1)*c), (A+1)-(A-1)*c-r]
    else:
        b = [A*((A+1)-(A-1)*c+r), 2*A*((A-1)-(A+1)*c), A*((A+1)-(A-1)*c-r)]; a = [(A+1)+(A-1)*c+r, -2*((A-1)+(A+1)*c), (A+1)+(A-1)*c-r]
    return b, a
f = np.geomspace(20, 10000, 200)
out = []
for (tilt, pivot), h in zip(d["cases"], d["irs"]):
    measured = 20 * np.log10(np.abs(np.fft.rfft(h)))[np.round(f / sr * len(h)).astype(int)]
    fb = np.round(f / sr * len(h)) * sr / len(h)
    _, hl = s.freqz(*shelf(pivot, -tilt / 2, False), worN=fb, fs=sr); _, hh = s.freqz(*shelf(pivot, tilt / 2, True), worN=fb, fs=sr)
    design = 20 * np.log10(np.abs(hl * hh))
    out.append({"maxDiff": float(np.max(np.abs(measured - design))), "low": float(measured[0]), "pivot": float(np.interp(pivot, f, measured)), "high": float(measured[-1])})
print(json.dumps(out))
`;
    const res = JSON.parse(runPython(code, JSON.stringify({ cases: cases.map((c) => [c.tilt, c.pivot]), irs }))) as { maxDiff: number; low: number; pivot: number; high: number }[];
    cases.forEach((c, i) => {
      const r = res[i] as { maxDiff: number; low: number; pivot: number; high: number };
      expect(r.maxDiff, `tilt ${c.tilt} dB`).toBeLessThan(0.001);
      expect(r.low).toBeCloseTo(-c.tilt / 2, 1);
      expect(Math.abs(r.pivot)).toBeLessThan(0.05);
      expect(Math.abs(r.high - c.tilt / 2)).toBeLessThan(0.15);
    });
  });

  it("meets its loudness target within 0.5 LU (NumPy BS.1770) with and without a codec, and keeps to its ceiling", async () => {
    const keys = keysWhere([
      (p) => p.lossy === undefined && p.reverb !== undefined && p.lufsTarget > -9,
      (p) => p.lossy === undefined && p.lufsTarget < -12.5,
      (p) => p.lossy?.codec === "mp3",
      (p) => p.lossy?.codec === "vorbis",
    ]);
    const mix = bandSignal(SR, 12, 5).map((v) => 0.5 * v);
    const before = mix.slice();
    const results = [];
    for (const key of keys) results.push(await masterMix(mix, SR, key));
    // Measure what the file will hold: 16-bit samples.
    const written = results.map((m) => Float32Array.from(m.mix, (v) => toInt16(v) / 32767));
    const ref = referenceLoudness(written, SR);
    results.forEach((m, i) => {
      const { lufsTarget, lossy, limiter } = m.params;
      expect(m.mix.length).toBe(mix.length);
      expect(Math.abs((ref[i] as number) - lufsTarget), `${keys[i]}: target ${lufsTarget}, reference ${ref[i]}, ${JSON.stringify(m.info)}`).toBeLessThan(0.5);
      expect(Math.abs((m.info["lufs_measured"] as number) - (ref[i] as number))).toBeLessThan(0.1);
      if (lossy === undefined) {
        const peak = (written[i] as Float32Array).reduce((a, v) => Math.max(a, Math.abs(v)), 0);
        expect(peak, keys[i]).toBeLessThanOrEqual(Math.pow(10, limiter.ceilingDb / 20));
      } else expect(m.info["codec"]).toBe(lossy.codec);
    });
    expect(mix).toEqual(before); // the chain works on a copy
  });
});
