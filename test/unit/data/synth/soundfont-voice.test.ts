import { describe, expect, it } from "vitest";
import { SoundfontVoice } from "../../../../src/data/synth/soundfont-voice.js";
import { resolveBanks } from "../../../../src/data/synth/soundbanks.js";
import { runPython } from "../../../helpers/python.js";

const SR = 22050;
const bank = resolveBanks(["timgm6mb"])[0];
if (bank === undefined) throw new Error("timgm6mb not resolved");
const voice = new SoundfontVoice(bank, SR);
await voice.ready();

/** f0 by numpy autocorrelation (parabolic peak) over 0.1-0.4 s of a note. */
function pythonF0(x: Float32Array): number {
  const out = runPython(
    `import numpy as np, json, sys
x = np.array(json.load(sys.stdin))[int(0.1*${SR}):int(0.4*${SR})]
x = x - x.mean()
ac = np.correlate(x, x, "full")[len(x)-1:]
lo, hi = int(${SR}/1000), int(${SR}/50)
k = lo + int(np.argmax(ac[lo:hi]))
a, b, c = ac[k-1], ac[k], ac[k+1]
print(${SR} / (k + 0.5*(a-c)/(a-2*b+c)))`,
    JSON.stringify([...x.slice(0, Math.round(0.45 * SR))]),
  );
  return Number(out);
}

describe("SoundfontVoice (spessasynth_core, TimGM6mb)", () => {
  const piano = voice.resolve({ bankNumber: 0, program: 0, drums: false });

  it("renders a note at the right pitch with a release tail", () => {
    const x = voice.renderNote(piano, 69, 100, Math.round(0.5 * SR));
    expect(x.length).toBeGreaterThan(0.5 * SR);
    expect(x.length).toBeLessThanOrEqual(Math.round(3.0 * SR));
    const cents = 1200 * Math.log2(pythonF0(x) / 440);
    expect(Math.abs(cents)).toBeLessThan(20);
  });

  it("does not depend on what was rendered before (needed by the note cache)", () => {
    const first = voice.renderNote(piano, 60, 88, 5000);
    voice.renderNote(voice.resolve({ bankNumber: 128, program: 0, drums: true }), 38, 120, 3000);
    voice.renderNote(voice.resolve({ bankNumber: 0, program: 48, drums: false }), 67, 40, 30000);
    const again = voice.renderNote(piano, 60, 88, 5000);
    expect(Buffer.from(again.buffer).equals(Buffer.from(first.buffer))).toBe(true);
    // Strings and flute have LFO vibrato and modulation envelopes timed by the synth clock.
    for (const program of [48, 73, 40]) {
      const ref = voice.resolve({ bankNumber: 0, program, drums: false });
      const a = voice.renderNote(ref, 72, 100, 40000);
      voice.renderNote(piano, 50, 60, 12345);
      const b = voice.renderNote(ref, 72, 100, 40000);
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer)), `program ${program}`).toBe(true);
    }
  });

  it("falls back to the GM patch when the bank lacks a variation, and plays drum kits", () => {
    expect(voice.resolve({ bankNumber: 8, program: 25, drums: false })).toEqual({ bankNumber: 0, program: 25, drums: false });
    const snare = voice.renderNote(voice.resolve({ bankNumber: 128, program: 40, drums: true }), 38, 110, 2000);
    const rms = Math.sqrt(snare.reduce((s, v) => s + v * v, 0) / snare.length);
    expect(rms).toBeGreaterThan(1e-3);
  });
});
