/**
 * Non-kit percussion writers (realism element `extra`): concert snare and toms stay on their own
 * keys and inside their section, a snare roll is a run of 32nd notes that grows louder, the tom
 * ostinato repeats bar to bar, and the same seed writes the same part.
 */
import { describe, expect, it } from "vitest";
import { percSection, type PercOptions } from "../../../../src/data/synth/percussion.js";
import { Rng } from "../../../../src/data/synth/rng.js";
import type { Note, Section } from "../../../../src/data/synth/score.js";

const section = (energy: number, bars = 8, startBar = 4): Section => ({
  kind: "verse",
  startBar,
  bars,
  chords: Array.from({ length: bars }, () => ({ rootPc: 0, pcs: [0, 4, 7], degree: 0 })),
  energy,
  theme: 0,
});

const opts = (label: string, kitKeys: readonly number[]): PercOptions => ({ label, beatsPerBar: 4, kitKeys, low: 35, high: 81 });

/** Many sections of one label over seeds and energies. */
function sample(label: string, keys: readonly number[]): { s: Section; notes: Note[] }[] {
  const out: { s: Section; notes: Note[] }[] = [];
  for (let seed = 0; seed < 60; seed++) {
    const s = section((seed % 5) / 4);
    out.push({ s, notes: percSection(new Rng(`perc-${label}-${seed}`), s, opts(label, keys)) });
  }
  return out;
}

describe("concert snare and toms", () => {
  it("play only their own keys, inside their section", () => {
    for (const [label, keys] of [
      ["snare drum", [38]],
      ["toms", [41, 43, 45, 47, 48, 50]],
    ] as const) {
      const runs = sample(label, keys);
      expect(
        runs.reduce((n, r) => n + r.notes.length, 0),
        label,
      ).toBeGreaterThan(100);
      for (const { s, notes } of runs) {
        for (const n of notes) {
          expect(keys as readonly number[], label).toContain(n.key);
          expect(n.beat).toBeGreaterThanOrEqual(s.startBar * 4);
          expect(n.beat + n.beats).toBeLessThanOrEqual((s.startBar + s.bars) * 4 + 1e-9);
          expect(n.vel).toBeGreaterThanOrEqual(1);
          expect(n.vel).toBeLessThanOrEqual(127);
        }
      }
    }
  });

  it("writes snare rolls: runs of 32nds a 32nd apart whose velocity rises", () => {
    let rolls = 0;
    for (const { notes } of sample("snare drum", [38])) {
      const thirtySeconds = notes.filter((n) => n.beats === 0.125).sort((a, b) => a.beat - b.beat);
      // Split into runs of consecutive 32nds.
      let run: Note[] = [];
      const flush = (): void => {
        if (run.length >= 8) {
          rolls++;
          for (let i = 1; i < run.length; i++) expect((run[i] as Note).beat - (run[i - 1] as Note).beat).toBeCloseTo(0.125, 9);
          expect((run[run.length - 1] as Note).vel).toBeGreaterThan((run[0] as Note).vel + 20);
        }
        run = [];
      };
      for (const n of thirtySeconds) {
        const prev = run[run.length - 1];
        if (prev !== undefined && Math.abs(n.beat - prev.beat - 0.125) > 1e-9) flush();
        run.push(n);
      }
      flush();
    }
    expect(rolls).toBeGreaterThan(5);
  });

  it("repeats the tom ostinato from bar to bar, low tom on each downbeat", () => {
    const s = section(0.8, 6, 0);
    const notes = percSection(new Rng("toms-ostinato"), s, opts("toms", [41, 43, 45, 47, 48, 50]));
    const bar = (b: number): string =>
      JSON.stringify(notes.filter((n) => n.beat >= b * 4 && n.beat < (b + 1) * 4).map((n) => [n.beat - b * 4, n.key, n.beats]));
    for (let b = 1; b < 5; b++) expect(bar(b)).toEqual(bar(0));
    for (let b = 0; b < 5; b++) expect(notes.find((n) => n.beat === b * 4)?.key).toBe(41);
  });

  it("writes the same part from the same seed", () => {
    const s = section(0.6);
    for (const label of ["snare drum", "toms"]) {
      const keys = label === "toms" ? [41, 45, 48] : [38];
      expect(percSection(new Rng(`same-${label}`), s, opts(label, keys))).toEqual(
        percSection(new Rng(`same-${label}`), s, opts(label, keys)),
      );
    }
  });
});
