import { describe, expect, it } from "vitest";
import { diatonicChord, midiToHz, nearestWithPc, notesInRange, scalePcs, voiceChord } from "../../../../src/data/synth/theory.js";

describe("music theory helpers", () => {
  it("builds diatonic chords by stacking scale thirds", () => {
    expect(diatonicChord(0, "major", 0, 3).pcs).toEqual([0, 4, 7]); // C
    expect(diatonicChord(0, "major", 4, 4).pcs).toEqual([7, 11, 2, 5]); // G7
    expect(diatonicChord(0, "major", 1, 3).pcs).toEqual([2, 5, 9]); // Dm
    expect(diatonicChord(9, "minor", 0, 3).pcs).toEqual([9, 0, 4]); // Am
    expect(diatonicChord(9, "harmonicMinor", 4, 3).pcs).toEqual([4, 8, 11]); // E (major V)
    expect(diatonicChord(4, "phrygian", 1, 2).pcs).toEqual([5, 0]); // F5 power chord
    expect(scalePcs(2, "dorian")).toEqual([2, 4, 5, 7, 9, 11, 0]);
  });

  it("voices chords inside the range with every chord tone, close to the centre", () => {
    const chord = diatonicChord(0, "major", 3, 4); // Fmaj7
    for (const center of [55, 60, 66]) {
      const v = voiceChord(chord, 50, 76, center);
      expect(v.length).toBe(4);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(50);
      expect(Math.max(...v)).toBeLessThanOrEqual(76);
      expect(new Set(v.map((m) => m % 12))).toEqual(new Set(chord.pcs));
      expect(Math.max(...v) - Math.min(...v)).toBeLessThan(12);
      expect(Math.abs(v.reduce((a, b) => a + b, 0) / 4 - center)).toBeLessThanOrEqual(6);
    }
  });

  it("finds notes by pitch class", () => {
    expect(nearestWithPc(0, 64)).toBe(60);
    expect(nearestWithPc(0, 67)).toBe(72);
    expect(notesInRange([0, 7], 58, 72)).toEqual([60, 67, 72]);
    expect(midiToHz(69)).toBe(440);
    expect(midiToHz(57)).toBeCloseTo(220, 10);
  });
});
