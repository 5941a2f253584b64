import { describe, expect, it } from "vitest";
import { NoteCache } from "../../../../src/data/synth/note-cache.js";
import { renderPart, type NoteSource } from "../../../../src/data/synth/part-renderer.js";
import type { Note, Part } from "../../../../src/data/synth/score.js";

const SR = 1000; // 1 kHz keeps sample arithmetic readable: 1 beat at 60 bpm = 1000 samples

/** A source whose notes are `len` samples of the value key/100, counting renders. */
function fakeSource(len: number, layers = false): NoteSource & { renders: number } {
  const src = {
    id: "fake",
    velocityLayers: layers,
    fixedHoldSec: undefined,
    renders: 0,
    render(key: number): Float32Array {
      src.renders++;
      return new Float32Array(len).fill(key / 100);
    },
  };
  return src;
}

function part(notes: Note[], opts: Partial<Part> = {}): Part {
  return {
    id: "p",
    role: "chords",
    label: "piano",
    component: "",
    source: { kind: "tabla", set: "x" },
    mono: false,
    chokeKeys: [],
    notes,
    fx: { gainDb: 0, pan: 0, eq: [], highPassHz: 0, lowPassHz: 0, drive: 0, reverbWet: 0, reverbRoom: 0 },
    ...opts,
  };
}

const timing = { bpm: 60, leadInSec: 0.5, sampleRateHz: SR, totalSamples: 5000 };

describe("part renderer", () => {
  it("places notes at their onsets (after the lead-in) and overlap-adds them", () => {
    const src = fakeSource(1500);
    const out = renderPart(
      part([
        { beat: 0, beats: 1, key: 50, vel: 100 },
        { beat: 1, beats: 1, key: 20, vel: 100 },
      ]),
      src,
      timing,
      new NoteCache(),
    );
    expect(out[499]).toBe(0);
    expect(out[500]).toBeCloseTo(0.5, 6);
    expect(out[1600]).toBeCloseTo(0.7, 6); // both sound
    expect(out[2100]).toBeCloseTo(0.2, 6); // first ended at 2000
    expect(out[3000]).toBe(0);
  });

  it("cuts the previous tail with a short fade in monophonic parts and choke groups", () => {
    const notes: Note[] = [
      { beat: 0, beats: 1, key: 50, vel: 100 },
      { beat: 1, beats: 1, key: 20, vel: 100 },
    ];
    const mono = renderPart(part(notes, { mono: true }), fakeSource(3000), timing, new NoteCache());
    expect(mono[1400]).toBeCloseTo(0.5, 6);
    expect(mono[1600]).toBeCloseTo(0.2, 6); // 30 ms fade after 1500, then only the new note
    const choked = renderPart(part(notes, { chokeKeys: [50, 20] }), fakeSource(3000), timing, new NoteCache());
    expect(choked[1600]).toBeCloseTo(0.2, 6);
    const free = renderPart(part(notes, { chokeKeys: [50] }), fakeSource(3000), timing, new NoteCache());
    expect(free[1600]).toBeCloseTo(0.7, 6);
  });

  it("renders each distinct note once and turns velocity into gain within a layer", () => {
    const src = fakeSource(100, true);
    const cache = new NoteCache();
    const notes: Note[] = [0, 1, 2, 3].map((b) => ({ beat: b, beats: 0.5, key: 50, vel: 100 }));
    notes.push({ beat: 4, beats: 0.5, key: 50, vel: 108 });
    const out = renderPart(part(notes), src, timing, cache);
    expect(src.renders).toBe(1); // 100 and 108 both use the 104 layer
    expect(cache.hits).toBe(4);
    expect((out[4550] as number) / (out[550] as number)).toBeCloseTo(Math.pow(108 / 100, 1.5), 5);
  });
});
