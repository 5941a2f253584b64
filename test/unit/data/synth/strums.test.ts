/**
 * Recorded acoustic-guitar strums (realism element `sampled`): the belofilms file names parse
 * into chords; the comping writer's per-string strum notes group back into one hit per strum
 * with the section's chord named; and a strum part renders to audio of the requested length with
 * a strum starting exactly where each hit was asked for. The recordings (hydrogen-drumkits-effects,
 * 141 MB) are stood in for by a fixture folder of short sox bursts named like them.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compSection } from "../../../../src/data/synth/comping.js";
import { NoteCache } from "../../../../src/data/synth/note-cache.js";
import { renderPart } from "../../../../src/data/synth/part-renderer.js";
import { Rng } from "../../../../src/data/synth/rng.js";
import type { Part, Section } from "../../../../src/data/synth/score.js";
import { identifyChord, parseStrumFiles, pickStrum, strumHits, strumSource } from "../../../../src/data/synth/strums.js";
import { diatonicChord } from "../../../../src/data/synth/theory.js";

const SR = 22050;
const root = mkdtempSync(join(tmpdir(), "ts-strums-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A section of four bars of diatonic triads. */
function section(tonicPc: number, mode: "major" | "minor" | "harmonicMinor", degrees: readonly number[]): Section {
  return {
    kind: "verse",
    startBar: 0,
    bars: degrees.length,
    chords: degrees.map((d) => diatonicChord(tonicPc, mode, d, 3)),
    energy: 0.6,
    theme: 0,
  };
}

describe("recorded strums", () => {
  it("parse the belofilms file names (typos included) into root, quality, way and take", () => {
    const files = parseStrumFiles([
      "Amajor_00.flac",
      "Csharp minor7b5_UP_03.flac",
      "Asharp minro7b5_DOWN_01.flac",
      "Bflat major_02.flac",
      "Cmajor_Down_00.flac",
      "Dsharp minor7b5_DOWN_02wav.flac",
      "Gsharp minor_01.flac",
      "drumkit.xml",
    ]);
    expect(files.map((f) => [f.rootPc, f.quality, f.way, f.take])).toEqual([
      [9, "major", "plain", 0],
      [10, "m7b5", "down", 1],
      [10, "major", "plain", 2],
      [0, "major", "down", 0],
      [1, "m7b5", "up", 3],
      [3, "m7b5", "down", 2],
      [8, "minor", "plain", 1],
    ]);
    // A chord that was not recorded plays its nearest recorded neighbour of the same quality.
    expect(pickStrum(files, 11, "major", "plain", 0)?.file).toBe("Bflat major_02.flac");
    expect(pickStrum(files, 9, "major", "plain", 0)?.file).toBe("Amajor_00.flac");
  });

  it("group the writer's per-string strum notes into one hit per strum, naming the section's chord", () => {
    const cases = [section(0, "major", [0, 4, 5, 3]), section(9, "minor", [0, 3, 4, 5]), section(4, "harmonicMinor", [1, 4, 0, 6])];
    for (const [i, s] of cases.entries()) {
      const notes = compSection(new Rng(`strum-test/${i}`), s, { style: "strum", beatsPerBar: 4, bpm: 100, low: 50, high: 72, floor: 40 });
      const hits = strumHits(notes, 100, 7);
      // Strums start on the 8th-note grid (the writer's rhythms); every hit is one of them.
      const onsets = [...new Set(notes.map((n) => Math.round(n.beat * 2)))];
      expect(hits.length).toBe(onsets.length);
      for (const h of hits) {
        const chord = s.chords[Math.floor(h.beat / 4)];
        const intervals = (chord?.pcs ?? []).map((pc) => (pc - (chord?.rootPc ?? 0) + 12) % 12).join(",");
        const quality = intervals === "0,4,7" || intervals === "0,4,8" ? "major" : intervals === "0,3,7" ? "minor" : "m7b5";
        expect([h.key - 48, h.syl?.split("/")[0]], `beat ${h.beat}`).toEqual([chord?.rootPc, quality]);
      }
    }
    expect(identifyChord([43, 47, 50, 55, 59, 65])).toEqual({ rootPc: 7, quality: "major" }); // G7
    expect(identifyChord([47, 50, 53, 57])).toEqual({ rootPc: 11, quality: "m7b5" }); // Bm7b5
  });

  it("render a strum part to the requested length with strums starting where the hits ask", () => {
    const dir = join(root, "strums");
    execFileSync("mkdir", ["-p", dir]);
    // 60 ms noise bursts: a strum's attack, then silence, so each onset stands alone.
    for (const name of [
      "Cmajor_00",
      "Cmajor_01",
      "Cmajor_02",
      "Aminor_00",
      "Aminor_02",
      "Fmajor_00",
      "Fmajor_02",
      "Gmajor_UP_02",
      "Gmajor_02",
    ]) {
      execFileSync("sox", [
        "-n",
        "-r",
        String(SR),
        "-c",
        "1",
        "-b",
        "16",
        join(dir, `${name}.flac`),
        "synth",
        "0.06",
        "whitenoise",
        "vol",
        "0.5",
        "pad",
        "0",
        "0.5",
      ]);
    }
    const s = section(0, "major", [0, 5, 3, 4]);
    const bpm = 120;
    const notes = compSection(new Rng("strum-render"), s, { style: "strum", beatsPerBar: 4, bpm, low: 50, high: 72, floor: 40 });
    const hits = strumHits(notes, bpm, 3);
    const part: Part = {
      id: "gtr",
      role: "chords",
      label: "acoustic guitar",
      component: "",
      source: { kind: "sampler", set: "fixture", variant: 3 },
      mono: true,
      chokeKeys: [],
      notes: hits,
      fx: { gainDb: 0, pan: 0, eq: [], highPassHz: 0, lowPassHz: 0, drive: 0, reverbWet: 0, reverbRoom: 0 },
    };
    const totalSamples = Math.round(9 * SR);
    const audio = renderPart(
      part,
      strumSource(dir, "fixture", SR),
      { bpm, leadInSec: 0.25, sampleRateHz: SR, totalSamples },
      new NoteCache(),
    );
    expect(audio.length).toBe(totalSamples);
    const expected = hits.map((h) => Math.round((0.25 + (h.beat * 60) / bpm) * SR));
    const found: number[] = [];
    for (let i = 0; i < audio.length; i++) {
      if (Math.abs(audio[i] as number) < 1e-3) continue;
      if (found.length === 0 || i - (found[found.length - 1] as number) > 0.1 * SR) found.push(i);
    }
    expect(found.length).toBe(expected.length);
    found.forEach((f, k) => expect(Math.abs(f - (expected[k] as number)), `hit ${k}`).toBeLessThanOrEqual(2));
    expect(audio.subarray(0, (expected[0] as number) - 1).every((v) => v === 0)).toBe(true);
  });
});
