/**
 * Labels of the real-music development set: the range rule, the Frets on Fire and single-recording
 * rules on hand-built activity, and the whole build chain (decode, mix, MedleyDB activation, 1 s
 * rule) on a Frets on Fire folder made with sox where the guitar's active span is known.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { N_CLASSES } from "../../../../src/data/classes.js";
import { FOF_SONGS } from "../../../../src/evaluate/real/annotations.js";
import { planDevSet } from "../../../../src/evaluate/real/build.js";
import {
  classIndex,
  fofLabels,
  knownWindows,
  otherClasses,
  singleRecordingLabels,
  UNKNOWN,
  windowsInRanges,
} from "../../../../src/evaluate/real/labels.js";
import type { TriLabels } from "../../../../src/evaluate/real/labels.js";
import { DEBIAN_ROOTS } from "../../../../src/evaluate/real/packages.js";
import { tempDir, tool } from "../../../helpers/audio-files.js";

const DRUMS = classIndex("drums");
const DIST = classIndex("distorted-guitar");
const CLEAN = classIndex("clean-guitar");
const ACOUSTIC = classIndex("acoustic-guitar");

const column = (l: TriLabels, c: number): number[] => Array.from({ length: l.nWindows }, (_, w) => l.classes[w * N_CLASSES + c] as number);
const windowsWhere = (xs: ArrayLike<number>, v: number): number[] => Array.from(xs).flatMap((x, w) => (x === v ? [w] : []));
const span = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe("windowsInRanges", () => {
  it("keeps only the windows wholly inside a range", () => {
    // [2, 5) holds windows 2, 3, 4; [6.5, 9) holds 7 and 8 (window 6 starts before 6.5); [9.2, 10) holds none.
    expect(
      windowsWhere(
        windowsInRanges(
          [
            [2, 5],
            [6.5, 9],
            [9.2, 10],
          ],
          12,
        ),
        1,
      ),
    ).toEqual([2, 3, 4, 7, 8]);
    expect(windowsWhere(windowsInRanges([[10, 40]], 12), 1)).toEqual([10, 11]);
    expect(() => windowsInRanges([[3, 3]], 5)).toThrow(/range/);
  });
});

describe("fofLabels", () => {
  const u8 = (s: string): Uint8Array => Uint8Array.from(s, (ch) => (ch === "#" ? 1 : 0));
  it("guitar from the stem, negatives only where the backing was checked, silence unclaimed", () => {
    const l = fofLabels({
      guitarActive: u8("..##.#####"),
      backingActive: u8(".#########"),
      drums: [[5, 10]],
      noDrums: [[1, 4]],
      noGuitarInBacking: [[0, 5]],
    });
    // window 0: both stems silent -> nothing claimed; 1: stem inactive, backing checked -> no guitar;
    // 2-3: stem active -> guitar; 4: inactive and checked -> none; 5: not checked -> unknown.
    expect(Array.from(l.electricGuitar)).toEqual([UNKNOWN, 0, 1, 1, 0, 1, 1, 1, 1, 1]);
    for (const c of [DIST, CLEAN, ACOUSTIC])
      expect(column(l, c)).toEqual([UNKNOWN, 0, UNKNOWN, UNKNOWN, 0, ...Array<number>(5).fill(UNKNOWN)]);
    expect(column(l, DRUMS)).toEqual([UNKNOWN, 0, 0, 0, UNKNOWN, 1, 1, 1, 1, 1]);
    expect(knownWindows(l)).toBe(9);
  });
});

describe("singleRecordingLabels", () => {
  it("positives and negatives over active windows; electric guitar follows distorted/clean", () => {
    const piano = classIndex("piano");
    const negatives = otherClasses([piano], [classIndex("electric-piano")]);
    expect(negatives).toHaveLength(16);
    const l = singleRecordingLabels(Uint8Array.from([1, 1, 0]), [piano], negatives);
    expect(column(l, piano)).toEqual([1, 1, UNKNOWN]);
    expect(column(l, classIndex("electric-piano"))).toEqual([UNKNOWN, UNKNOWN, UNKNOWN]);
    expect(column(l, DRUMS)).toEqual([0, 0, UNKNOWN]);
    expect(Array.from(l.electricGuitar)).toEqual([0, 0, UNKNOWN]);
    const g = singleRecordingLabels(Uint8Array.from([1]), [CLEAN], otherClasses([CLEAN], [ACOUSTIC]));
    expect(Array.from(g.electricGuitar)).toEqual([1]);
    const unsure = singleRecordingLabels(Uint8Array.from([1]), [ACOUSTIC], otherClasses([ACOUSTIC], [CLEAN]));
    expect(Array.from(unsure.electricGuitar)).toEqual([UNKNOWN]);
  });
});

describe("building a Frets on Fire song from its stems", () => {
  it("labels exactly the seconds the guitar stem plays (MedleyDB recipe + 1 s rule)", async () => {
    // A 30 s song laid out like fretsonfire-songs-muldjord's chaos_god: the guitar plays a tone over
    // [12.5, 22.5) s, the backing a quiet drone throughout. MedleyDB's smoothing (0.075 x Nyquist
    // low-pass, filtfilt) moves the 0.5-confidence crossing about 0.2-0.3 s outwards from each edge,
    // less than the 0.5 s to the next whole second, so the guitar seconds are exactly 12..22.
    const root = tempDir("timbrescope-real-fof-");
    const song = FOF_SONGS.find((s) => s.dir === "muldjord/chaos_god");
    expect(song?.noGuitarInBacking).toEqual([[0, 9]]);
    const dir = join(root, "muldjord", "chaos_god");
    mkdirSync(dir, { recursive: true });
    tool("sox", [
      "-n",
      "-r",
      "44100",
      "-c",
      "2",
      join(dir, "guitar.ogg"),
      "synth",
      "10",
      "sine",
      "220",
      "vol",
      "0.5",
      "pad",
      "12.5",
      "7.5",
    ]);
    tool("sox", ["-n", "-r", "44100", "-c", "2", join(dir, "song.ogg"), "synth", "30", "sine", "97", "vol", "0.3"]);
    const plan = planDevSet(["fof"], { ...DEBIAN_ROOTS, fof: root }).find((p) => p.id === "fof-chaos-god");
    const rec = await plan!.build();
    expect(rec.samples.length).toBe(30 * 22050);
    expect(rec.labels.nWindows).toBe(30);
    expect(windowsWhere(rec.labels.electricGuitar, 1)).toEqual(span(12, 22));
    // The annotation's guitar-free backing [0, 9) with the stem silent: seconds 0..8 are negatives.
    expect(windowsWhere(rec.labels.electricGuitar, 0)).toEqual(span(0, 8));
    expect(windowsWhere(column(rec.labels, DRUMS), 1)).toEqual([...span(10, 21), ...span(26, 29)]);
    expect(windowsWhere(column(rec.labels, DRUMS), 0)).toEqual(span(0, 8));
    // The mix is the sum of the stems: RMS sqrt(0.5^2/2 + 0.3^2/2) = 0.412 with the guitar, 0.212 without.
    const rmsOf = (a: number, b: number): number =>
      Math.sqrt(rec.samples.subarray(a * 22050, b * 22050).reduce((s, x) => s + x * x, 0) / ((b - a) * 22050));
    expect(rmsOf(14, 21)).toBeCloseTo(0.412, 2);
    expect(rmsOf(24, 30)).toBeCloseTo(0.212, 2);
  });
});
