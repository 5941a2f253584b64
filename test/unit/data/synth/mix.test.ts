import { describe, expect, it } from "vitest";
import { MIX_PEAK, activeRms, mixStems, panFoldGain } from "../../../../src/data/synth/mix.js";
import type { StemFx } from "../../../../src/data/synth/score.js";
import { toInt16 } from "../../../../src/data/synth/wav-writer.js";

const fx = (gainDb: number, pan = 0): StemFx => ({
  gainDb,
  pan,
  eq: [],
  highPassHz: 0,
  lowPassHz: 0,
  drive: 0,
  reverbWet: 0,
  reverbRoom: 0,
});

function tone(n: number, hz: number, amp: number, onFrom = 0, onTo = n): Float32Array {
  return new Float32Array(n).map((_, i) => (i >= onFrom && i < onTo ? amp * Math.sin((2 * Math.PI * hz * i) / 22050) : 0));
}

describe("mixing", () => {
  it("measures RMS over active blocks only", () => {
    const x = tone(22050 * 4, 440, 0.5, 0, 22050); // 1 s of tone, 3 s of silence
    expect(activeRms(x)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    expect(activeRms(new Float32Array(5000))).toBe(0);
  });

  it("uses the constant-power pan law folded to mono", () => {
    expect(panFoldGain(0)).toBeCloseTo(1, 12);
    expect(panFoldGain(1)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(panFoldGain(-1)).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it("writes a mix that is the exact sum of the written 16-bit stems, peaking at 0.89", () => {
    const n = 22050 * 2;
    const stems = [tone(n, 110, 0.9), tone(n, 440, 0.01, 5000, 30000), tone(n, 1000, 0.3)];
    const { stems: out, mix, stemGains } = mixStems(stems, [fx(0), fx(-6, 0.5), fx(-3, -1)]);
    let peak = 0;
    for (let k = 0; k < n; k++) {
      const sumInt = out.reduce((s, x) => s + toInt16(x[k] as number), 0);
      expect(toInt16(mix[k] as number)).toBe(sumInt);
      peak = Math.max(peak, Math.abs(mix[k] as number));
    }
    expect(Math.abs(peak - MIX_PEAK)).toBeLessThan(3 / 32767);
    // Active RMS after normalisation follows the gains: stem 2 is 6 dB and a pan dip below stem 1.
    const r = out.map(activeRms);
    expect(20 * Math.log10((r[1] as number) / (r[0] as number))).toBeCloseTo(-6 + 20 * Math.log10(panFoldGain(0.5)), 1);
    expect(stemGains.every((g) => g > 0)).toBe(true);
  });
});
