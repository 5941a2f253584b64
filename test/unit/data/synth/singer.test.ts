import { describe, expect, it } from "vitest";
import { singNote, voiceByName, VOICES } from "../../../../src/data/synth/singer.js";
import { TABLA_STROKES, loadTablaStrokes, repitch, strokeKey, tablaSource } from "../../../../src/data/synth/tabla.js";
import { runPython } from "../../../helpers/python.js";

const SR = 22050;

/**
 * Median f0 (Hz) of the voiced middle of each signal, by numpy autocorrelation on 40 ms frames:
 * an independent pitch check of the sung notes.
 */
function pythonMedianF0(signals: Float32Array[], targetsHz: number[]): number[] {
  // Lags within ±6 semitones of the target only (no octave errors), parabolic interpolation.
  const out = runPython(
    `import numpy as np, json, sys
d = json.load(sys.stdin); res = []
for s, t in zip(d["signals"], d["targets"]):
    x = np.array(s); n = len(x); f0s = []
    for st in range(int(n*0.3), int(n*0.7) - 2048, 441):
        fr = x[st:st+2048] - np.mean(x[st:st+2048])
        ac = np.correlate(fr, fr, "full")[2047:]
        lo, hi = int(${SR}/(t*1.42)), int(${SR}/(t/1.42)) + 1
        k = lo + int(np.argmax(ac[lo:hi]))
        a, b, c = ac[k-1], ac[k], ac[k+1]
        if ac[k] > 0.3*ac[0]: f0s.append(${SR}/(k + 0.5*(a-c)/(a-2*b+c)))
    res.append(float(np.median(f0s)) if f0s else 0.0)
print(json.dumps(res))`,
    JSON.stringify({ signals: signals.map((s) => [...s]), targets: targetsHz }),
  );
  return JSON.parse(out) as number[];
}

describe("singers", () => {
  it("has male and female voices from Festival and espeak-ng", () => {
    expect(VOICES.some((v) => v.sex === "male" && v.engine === "festival")).toBe(true);
    expect(VOICES.filter((v) => v.sex === "female").length).toBeGreaterThanOrEqual(3);
    expect(voiceByName("espeak-ng:f2").sex).toBe("female");
    expect(() => voiceByName("nobody")).toThrow(/unknown singer voice/);
  });

  it("sings in tune (within 50 cents, measured by numpy) and holds notes for their length", () => {
    const cases = [
      { voice: "espeak-ng:f2", key: 64, syl: "love" },
      { voice: "espeak-ng:f5", key: 74, syl: "oh" },
      { voice: "espeak-ng:m3", key: 45, syl: "la" },
      { voice: "festival:kal_diphone", key: 55, syl: "day" },
    ];
    const hold = Math.round(1.5 * SR); // longer than the syllable: the vowel is looped
    const notes = cases.map((c) => singNote(voiceByName(c.voice), c.syl, c.key, hold, SR));
    for (const x of notes) {
      expect(x.length).toBeGreaterThanOrEqual(hold);
      expect(x.length).toBeLessThan(hold + 0.5 * SR);
    }
    const targets = cases.map((c) => 440 * Math.pow(2, (c.key - 69) / 12));
    const f0 = pythonMedianF0(notes, targets);
    cases.forEach((c, i) => {
      const target = targets[i] as number;
      const cents = 1200 * Math.log2((f0[i] as number) / target);
      expect(Math.abs(cents), `${c.voice} key ${c.key}: ${f0[i]} Hz`).toBeLessThan(50);
    });
  });

  it("gives identical samples for identical requests", () => {
    const v = voiceByName("espeak-ng:f4");
    const a = singNote(v, "night", 67, 9000, SR);
    const b = singNote(v, "night", 67, 9000, SR);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });
});

describe("tabla kit", () => {
  it("decodes the 26 sonic-pi strokes and maps them to keys 60..85", () => {
    const strokes = loadTablaStrokes(SR);
    expect(strokes.length).toBe(26);
    expect(TABLA_STROKES.length).toBe(26);
    expect(strokeKey("dhec")).toBe(60);
    expect(strokeKey("tun3")).toBe(85);
    for (const s of strokes) expect(s.length).toBeGreaterThan(0.02 * SR);
    const src = tablaSource(SR, 0);
    expect(src.render(strokeKey("na"), 100, 0, undefined)).toBe(strokes[strokeKey("na") - 60]);
    expect(() => src.render(59, 100, 0, undefined)).toThrow(/out of range/);
  });

  it("retunes by resampling (an octave up halves the length)", () => {
    const x = new Float32Array(1001).map((_, i) => i);
    const y = repitch(x, 2);
    expect(y.length).toBe(500);
    expect(y[10]).toBe(20);
  });
});
