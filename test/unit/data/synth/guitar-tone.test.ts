/**
 * Realism element `tones` (guitar-tone.ts): singing guitar tones are what they claim (a medium-gain
 * amp distorts less than the high-gain one, the tone knob darkens the sound, a sustainer slows a
 * plucked note's decay by about its ratio, all measured by NumPy), only guitars get them, at the
 * stated rates and ranges, and switching the element on changes nothing of a song but guitar
 * effects; the guitar-led styles give the melody to an electric guitar.
 */
import { describe, expect, it } from "vitest";
import { artistBlocks, featuredClass, makeArtist } from "../../../../src/data/synth/artists.js";
import { applyFx } from "../../../../src/data/synth/effects.js";
import {
  DARK_LEAD_P,
  GUITAR_STYLES,
  SUSTAIN_P,
  SUSTAIN_RANGES,
  TONE_P,
  TONE_RANGES,
  withGuitarTone,
} from "../../../../src/data/synth/guitar-tone.js";
import { ALL_REALISM, NO_REALISM, parseRealism } from "../../../../src/data/synth/realism.js";
import { Rng } from "../../../../src/data/synth/rng.js";
import type { Song, StemFx } from "../../../../src/data/synth/score.js";
import { composeSong } from "../../../../src/data/synth/song.js";
import { corpusStyles, requireStyles } from "../../../../src/data/synth/styles-extra.js";
import { runPython } from "../../../helpers/python.js";

const SR = 22050;
/** The NumPy oracle starts a Python process (seconds on a loaded machine). */
const PY_TIMEOUT_MS = 180_000;

const FX: StemFx = { gainDb: -2, pan: 0, eq: [], highPassHz: 0, lowPassHz: 0, drive: 3, amp: true, reverbWet: 0, reverbRoom: 0.5 };
const DISTORTED = "distorted electric guitar";
const CLEAN = "clean electric guitar";

/** A 220 Hz tone with a few harmonics (a string's spectrum), 1 s. */
function stringTone(): Float32Array {
  const x = new Float32Array(SR);
  for (let i = 0; i < SR; i++) {
    let v = 0;
    for (let h = 1; h <= 8; h++) v += Math.sin((2 * Math.PI * 220 * h * i) / SR) / h;
    x[i] = 0.3 * v;
  }
  return x;
}

/**
 * Runs `perSignal` (Python lines computing `out[k]` from the float64 array `x` of signal `k`) over
 * every signal in NumPy and returns the per-signal results.
 */
function numpyPerSignal<T>(perSignal: string, signals: Record<string, Float32Array>): Record<string, T> {
  const body = perSignal
    .trim()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
  const out = runPython(
    `import numpy as np, json, sys
d = json.load(sys.stdin)
out = {}
for k, v in d.items():
    x = np.array(v, dtype=np.float64)
${body}
print(json.dumps(out))`,
    JSON.stringify(Object.fromEntries(Object.entries(signals).map(([k, v]) => [k, Array.from(v)]))),
  );
  return JSON.parse(out) as Record<string, T>;
}

/** Per signal: 3rd-harmonic / fundamental power and the share of power above 3 kHz (NumPy, last 0.5 s). */
function spectra(signals: Record<string, Float32Array>): Record<string, { h3: number; top: number }> {
  return numpyPerSignal(
    `
p = np.abs(np.fft.rfft(x[-11025:] * np.hanning(11025))) ** 2
f = np.fft.rfftfreq(11025, 1 / 22050)
h = lambda hz: float(p[np.argmin(np.abs(f - hz))])
out[k] = {"h3": h(660) / h(220), "top": float(p[f > 3000].sum() / p.sum())}`,
    signals,
  );
}

function pureSine(): Float32Array {
  return new Float32Array(SR).map((_, i) => 0.4 * Math.sin((2 * Math.PI * 220 * i) / SR));
}

/** A plucked note: the string tone decaying 34.7 dB/s (time constant 0.25 s), 1.5 s. */
function pluckedNote(): Float32Array {
  const x = new Float32Array(Math.round(1.5 * SR));
  const tone = stringTone();
  for (let i = 0; i < x.length; i++) x[i] = (tone[i % SR] as number) * Math.exp(-i / SR / 0.25);
  return x;
}

/** Per signal: decay slope (dB/s, least squares on 50 ms RMS frames from 0.15 s to 0.6 s) and sample peak (NumPy). */
function decays(signals: Record<string, Float32Array>): Record<string, { slope: number; peak: number }> {
  return numpyPerSignal(
    `
n = 1102
frames = x[: len(x) // n * n].reshape(-1, n)
t = (np.arange(len(frames)) + 0.5) * n / 22050
db = 10 * np.log10((frames ** 2).mean(axis=1) + 1e-20)
m = (t >= 0.15) & (t <= 0.6)
out[k] = {"slope": float(np.polyfit(t[m], db[m], 1)[0]), "peak": float(np.abs(x).max())}`,
    signals,
  );
}

describe("guitar tones (realism element tones)", () => {
  it(
    "a sustainer in front of a clean amp slows a plucked note's decay by about its ratio and keeps the peak (NumPy)",
    () => {
      const clean: StemFx = { ...FX, drive: 0, ampGainDb: -6 };
      const plain = pluckedNote();
      applyFx(plain, clean, SR);
      const sustained = pluckedNote();
      const ratio = 8;
      applyFx(sustained, { ...clean, sustain: { thresholdDb: -30, ratio, attackMs: 5, releaseMs: 120 } }, SR);
      const bare = pluckedNote();
      const d = decays({ plain, sustained, bare });
      expect(d.bare?.slope).toBeCloseTo(-20 / Math.LN10 / 0.25, 0); // the oracle reads the input's own decay
      const plainSlope = d.plain?.slope ?? 0;
      expect(plainSlope).toBeLessThan(-30); // a clean amp leaves the decay alone
      // above the threshold a ratio-r compressor divides the dB decay by r (knee and release blur it a little)
      expect(d.sustained?.slope).toBeGreaterThan(plainSlope / (ratio / 2));
      expect(d.sustained?.slope).toBeLessThan(0);
      expect(d.sustained?.peak).toBeCloseTo(d.plain?.peak ?? 0, 4);
    },
    PY_TIMEOUT_MS,
  );

  it(
    "a medium-gain amp distorts less than the high-gain one, and the tone knob darkens the sound (NumPy spectra)",
    () => {
      const high = pureSine();
      applyFx(high, { ...FX, drive: 4 }, SR); // 38.6 dB
      const medium = pureSine();
      applyFx(medium, { ...FX, ampGainDb: 8 }, SR);
      const bright = stringTone();
      applyFx(bright, { ...FX, ampGainDb: 12 }, SR);
      const dark = stringTone();
      applyFx(dark, { ...FX, ampGainDb: 12, toneHz: 1200 }, SR);
      const s = spectra({ high, medium, bright, dark });
      expect(s.medium?.h3).toBeLessThan((s.high?.h3 ?? 0) / 2);
      expect(s.medium?.h3).toBeGreaterThan(1e-4); // still driven: not a clean sine
      expect(s.dark?.top).toBeLessThan((s.bright?.top ?? 0) / 2);
    },
    PY_TIMEOUT_MS,
  );

  it("touches only electric guitars, at the stated rates and inside the stated ranges", () => {
    const plain: StemFx = { ...FX, amp: false, drive: 0, reverbWet: 0.05, lowPassHz: 4000 };
    for (const label of ["piano", "acoustic guitar", "violin", "male singer"])
      expect(withGuitarTone(new Rng("x"), label, true, plain)).toBe(plain);
    const n = 2000;
    for (const [label, melodic] of [
      [DISTORTED, true],
      [CLEAN, false],
      [CLEAN, true],
    ] as const) {
      let changed = 0;
      let darker = 0;
      let sustained = 0;
      for (let k = 0; k < n; k++) {
        const fx = withGuitarTone(new Rng(`tone/${label}/${melodic}/${k}`), label, melodic, plain);
        if (fx === plain) continue;
        changed++;
        const [g0, g1] = label === DISTORTED ? TONE_RANGES.distortedGainDb : TONE_RANGES.cleanGainDb;
        const [t0, t1] = melodic ? TONE_RANGES.melodicToneHz : TONE_RANGES.otherToneHz;
        expect(fx.amp).toBe(true);
        expect(fx.ampGainDb).toBeGreaterThanOrEqual(g0);
        expect(fx.ampGainDb).toBeLessThanOrEqual(g1);
        expect(fx.toneHz).toBeGreaterThanOrEqual(t0);
        expect(fx.toneHz).toBeLessThanOrEqual(t1);
        expect(fx.reverbWet).toBeGreaterThanOrEqual(plain.reverbWet);
        // a post-amp low-pass only for melodic parts, never brighter than the lineup's
        if (fx.lowPassHz !== plain.lowPassHz) {
          darker++;
          expect(melodic).toBe(true);
          expect(fx.lowPassHz).toBeGreaterThanOrEqual(TONE_RANGES.darkLeadHz[0]);
          expect(fx.lowPassHz).toBeLessThan(plain.lowPassHz);
        }
        // a sustainer only for melodic parts, inside the stated ranges
        if (fx.sustain !== undefined) {
          sustained++;
          expect(melodic).toBe(true);
          for (const key of ["thresholdDb", "ratio", "attackMs", "releaseMs"] as const) {
            expect(fx.sustain[key]).toBeGreaterThanOrEqual(SUSTAIN_RANGES[key][0]);
            expect(fx.sustain[key]).toBeLessThanOrEqual(SUSTAIN_RANGES[key][1]);
          }
        }
        const rest = {
          amp: plain.amp,
          ampGainDb: undefined,
          toneHz: undefined,
          reverbWet: plain.reverbWet,
          lowPassHz: plain.lowPassHz,
          sustain: undefined,
        };
        expect({ ...fx, ...rest }).toEqual({
          ...plain,
          ampGainDb: undefined,
          toneHz: undefined,
        });
      }
      const p = melodic ? TONE_P.melodic : TONE_P.other;
      // binomial: 4 standard deviations
      expect(Math.abs(changed / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
      // darker than 4 kHz: the share of DARK_LEAD_P whose draw falls under 4 kHz (log-uniform)
      const [d0, d1] = TONE_RANGES.darkLeadHz;
      const q = melodic ? DARK_LEAD_P * (Math.log(4000 / d0) / Math.log(d1 / d0)) : 0;
      expect(Math.abs(darker / Math.max(1, changed) - q)).toBeLessThan(4 * Math.sqrt((q * (1 - q)) / changed) + 1e-9);
      const ps = melodic ? SUSTAIN_P : 0;
      expect(Math.abs(sustained / Math.max(1, changed) - ps)).toBeLessThan(4 * Math.sqrt((ps * (1 - ps)) / changed) + 1e-9);
    }
    const a = withGuitarTone(new Rng("same"), DISTORTED, true, plain);
    expect(withGuitarTone(new Rng("same"), DISTORTED, true, plain)).toEqual(a);
  });

  it("changes only guitar effects in a song, and the guitar-led styles give the melody to an electric guitar", () => {
    const seed = 12;
    const pool = corpusStyles(false, false, true);
    expect(corpusStyles(false, false).some((s) => GUITAR_STYLES.includes(s))).toBe(false);
    expect(GUITAR_STYLES.every((s) => pool.includes(s))).toBe(true);
    const blocks = artistBlocks(seed, 12);
    const compose = (k: number, tones: boolean): Song => {
      const block = blocks.find((b) => k >= b.first && k < b.first + b.size);
      if (block === undefined) throw new Error(`no block for ${k}`);
      const artist = makeArtist(block, {
        seed,
        gmBanks: ["fluidr3"],
        styles: ["guitar-rock", "guitar-ballad"],
        voices: [],
        stylePool: pool,
      });
      return composeSong(new Rng(`synth/${seed}/track/${k}`), artist, {
        minutes: 1,
        banks: { gm: ["fluidr3"], kits: [] },
        featured: [featuredClass(seed, k)],
        realism: tones ? { ...parseRealism("expressive"), tones: true } : parseRealism("expressive"),
        seedKey: `synth/${seed}/track/${k}`,
      });
    };
    let toned = 0;
    for (let k = 0; k < 12; k++) {
      const off = compose(k, false);
      const on = compose(k, true);
      expect(["guitar-rock", "guitar-ballad"]).toContain(on.style);
      const lead = on.parts.find((p) => p.role === "lead");
      expect([DISTORTED, CLEAN]).toContain(lead?.label);
      expect(lead?.notes.some((n) => n.bend !== undefined)).toBe(true);
      expect(on.parts.map((p) => p.notes)).toEqual(off.parts.map((p) => p.notes));
      on.parts.forEach((p, i) => {
        const before = off.parts[i]?.fx;
        if (p.label !== DISTORTED && p.label !== CLEAN) expect(p.fx).toEqual(before);
        if (p.fx.toneHz !== undefined) toned++;
      });
    }
    expect(toned).toBeGreaterThan(4);
    // the guitar-led styles need the element; a name that is no style is named as such (library callers skip the CLI's check)
    expect(() => requireStyles(["guitar-rock"], { ...NO_REALISM, tones: true })).not.toThrow();
    expect(() => requireStyles(["guitar-rock"], NO_REALISM)).toThrow(/^Expected --realism to include tones for style guitar-rock$/);
    expect(() => requireStyles(["rock", "polka"], ALL_REALISM)).toThrow(/^Expected style names, got unknown "polka"$/);
    expect(ALL_REALISM.tones).toBe(true);
    expect(NO_REALISM.tones).toBe(false);
  });
});
