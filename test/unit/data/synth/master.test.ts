/**
 * The mastering chain (master.ts) and its loudness meter (loudness.ts) against independent NumPy/
 * SciPy references, all computed in one Python run (importing SciPy costs more than the checks):
 * - the BS.1770-4 meter (test/helpers/bs1770.ts: the standard's 48 kHz table after resampling, its
 *   gates) on test signals at 22.05 and 44.1 kHz, and on the chain's output;
 * - the EQ tilt's measured magnitude response against the RBJ shelf pair designed by scipy.
 */
import { describe, expect, it } from "vitest";
import { integratedLoudness } from "../../../../src/data/synth/loudness.js";
import { applyTilt, drawMaster, masterMix, type MasterParams, type MasterResult } from "../../../../src/data/synth/master.js";
import { toInt16 } from "../../../../src/data/synth/wav-writer.js";
import { bandSignal } from "../../../helpers/band-signal.js";
import { BS1770_PY, withF32Files } from "../../../helpers/bs1770.js";
import { runPython } from "../../../helpers/python.js";

const SR = 22050;

/** The first song keys whose drawn chains have each property (the draw is cheap and deterministic). */
function keysWhere(preds: readonly ((p: MasterParams) => boolean)[]): string[] {
  return preds.map((pred) => {
    for (let k = 0; ; k++) if (pred(drawMaster(`master-test/${k}`))) return `master-test/${k}`;
  });
}

function sine(sr: number, seconds: number, hz: number, amp: number): Float32Array {
  return Float32Array.from({ length: Math.round(sr * seconds) }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / sr));
}

// Meter cases: sines across the band, the band, and the band dropping 25 dB half-way (the relative
// gate removes the quiet half), at both corpus rates.
const meterCases = [22050, 44100].flatMap((sr) => {
  const stepped = bandSignal(sr, 6, 7).map((v, i) => (i < 3 * sr ? v : v * 0.056));
  return [sine(sr, 2, 1000, 0.1), sine(sr, 2, 60, 0.5), sine(sr, 2, 8000, 0.3), bandSignal(sr, 6), stepped].map((x) => ({ x, sr }));
});

// Chain cases: a loud and a quiet target without codec, one MP3 and one Vorbis song.
const chainKeys = keysWhere([
  (p) => p.lossy === undefined && p.reverb !== undefined && p.lufsTarget > -9,
  (p) => p.lossy === undefined && p.lufsTarget < -12.5,
  (p) => p.lossy?.codec === "mp3",
  (p) => p.lossy?.codec === "vorbis",
]);
const mix = bandSignal(SR, 8, 5).map((v) => 0.5 * v);
const mixBefore = mix.slice();
const mastered: MasterResult[] = [];
for (const key of chainKeys) mastered.push(await masterMix(mix, SR, key));
// Measure what the file will hold: 16-bit samples.
const written = mastered.map((m) => Float32Array.from(m.mix, (v) => toInt16(v) / 32767));

const tiltCases = [
  { tilt: 3, pivot: 1000 },
  { tilt: -2.2, pivot: 700 },
];
const tiltIrs = tiltCases.map(({ tilt, pivot }) => {
  const x = new Float32Array(16384);
  x[0] = 1;
  applyTilt(x, SR, tilt, pivot);
  return x;
});

interface TiltResult {
  maxDiff: number;
  low: number;
  pivot: number;
  high: number;
}
const signals = [...meterCases.map((c) => c.x), ...written, ...tiltIrs];
const reference = withF32Files(signals, (paths) => {
  const code = `${BS1770_PY}
import sys, json
d = json.load(sys.stdin); sr = ${SR}
def shelf(f0, g, high):
    A = 10 ** (g / 40); w = 2 * np.pi * f0 / sr; c = np.cos(w); r = 2 * np.sqrt(A) * np.sin(w) / np.sqrt(2)
    if high:
        return [A*((A+1)+(A-1)*c+r), -2*A*((A-1)+(A+1)*c), A*((A+1)+(A-1)*c-r)], [(A+1)-(A-1)*c+r, 2*((A-1)-(A+1)*c), (A+1)-(A-1)*c-r]
    return [A*((A+1)-(A-1)*c+r), 2*A*((A-1)-(A+1)*c), A*((A+1)-(A-1)*c-r)], [(A+1)+(A-1)*c+r, -2*((A-1)+(A+1)*c), (A+1)+(A-1)*c-r]
lufs = [bs1770_lufs(load_f32(p), r) for p, r in zip(d["paths"][: len(d["rates"])], d["rates"])]
tilt = []
f = np.geomspace(20, 10000, 200)
for (t, pivot), p in zip(d["tilts"], d["paths"][len(d["rates"]):]):
    h = load_f32(p)
    k = np.round(f / sr * len(h)).astype(int)
    measured = 20 * np.log10(np.abs(np.fft.rfft(h)))[k]
    fb = k * sr / len(h)
    _, hl = s.freqz(*shelf(pivot, -t / 2, False), worN=fb, fs=sr)
    _, hh = s.freqz(*shelf(pivot, t / 2, True), worN=fb, fs=sr)
    design = 20 * np.log10(np.abs(hl * hh))
    tilt.append({"maxDiff": float(np.max(np.abs(measured - design))), "low": float(measured[0]), "pivot": float(np.interp(pivot, fb, measured)), "high": float(measured[-1])})
print(json.dumps({"lufs": lufs, "tilt": tilt}))
`;
  const rates = [...meterCases.map((c) => c.sr), ...written.map(() => SR)];
  return JSON.parse(runPython(code, JSON.stringify({ paths, rates, tilts: tiltCases.map((c) => [c.tilt, c.pivot]) }))) as {
    lufs: (number | null)[];
    tilt: TiltResult[];
  };
});

describe("BS.1770-4 meter against NumPy", () => {
  // What is left (measured: at most 0.033 LU) is the bilinear warping of the shelf at 22.05 kHz
  // (-0.02 dB at 1 kHz against the 48 kHz table) and the reference resampler's roll-off at the top
  // of the band (it loses a little of the hi-hat).
  it("agrees within 0.05 LU at 22.05 and 44.1 kHz", () => {
    const diffs = meterCases.map((c, i) => integratedLoudness(c.x, c.sr) - (reference.lufs[i] as number));
    expect(Math.max(...diffs.map(Math.abs)), diffs.map((d) => d.toFixed(4)).join(" ")).toBeLessThan(0.05);
  });
});

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
    tiltCases.forEach((c, i) => {
      const r = reference.tilt[i] as TiltResult;
      expect(r.maxDiff, `tilt ${c.tilt} dB`).toBeLessThan(0.001);
      expect(r.low).toBeCloseTo(-c.tilt / 2, 1);
      expect(Math.abs(r.pivot)).toBeLessThan(0.05);
      expect(Math.abs(r.high - c.tilt / 2)).toBeLessThan(0.15);
    });
  });

  it("meets its loudness target within 0.5 LU (NumPy BS.1770) with and without a codec, and keeps to its ceiling", () => {
    const lufs = reference.lufs.slice(meterCases.length);
    mastered.forEach((m, i) => {
      const { lufsTarget, lossy, limiter } = m.params;
      const ref = lufs[i] as number;
      expect(m.mix.length).toBe(mix.length);
      expect(Math.abs(ref - lufsTarget), `${chainKeys[i]}: target ${lufsTarget}, reference ${ref}, ${JSON.stringify(m.info)}`).toBeLessThan(
        0.5,
      );
      expect(Math.abs((m.info["lufs_measured"] as number) - ref)).toBeLessThan(0.1);
      if (lossy === undefined) {
        const peak = (written[i] as Float32Array).reduce((a, v) => Math.max(a, Math.abs(v)), 0);
        expect(peak, chainKeys[i]).toBeLessThanOrEqual(Math.pow(10, limiter.ceilingDb / 20));
      } else expect(m.info["codec"]).toBe(lossy.codec);
    });
    expect(mix).toEqual(mixBefore); // the chain works on a copy
  });

  it("passes a silent or empty mix through unchanged", async () => {
    for (const silent of [new Float32Array(SR * 3), new Float32Array(0)]) {
      const m = await masterMix(silent, SR, chainKeys[2] as string);
      expect(m.mix).toEqual(silent);
      expect(m.info).toEqual({ skipped: "silent mix" });
    }
  });
});
