/**
 * The hand-checked annotations are consistent: class ids exist, ranges are ordered and do not claim
 * a second both ways, and the files named for installed packages exist (sonic-pi-samples is in CI).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLIPS, FOF_SONGS, WESNOTH_ABSENT, WESNOTH_TRACKS } from "../../../../src/evaluate/real/annotations.js";
import type { Range } from "../../../../src/evaluate/real/annotations.js";
import { planDevSet } from "../../../../src/evaluate/real/build.js";
import { classIndex, windowsInRanges } from "../../../../src/evaluate/real/labels.js";
import { DEBIAN_ROOTS, missingPackages, SOURCE_IDS } from "../../../../src/evaluate/real/packages.js";

const sorted = (rs: readonly Range[]): boolean => rs.every(([a, b], i) => a < b && (i === 0 || a >= (rs[i - 1] as Range)[1]));

describe("annotations", () => {
  it("Frets on Fire ranges are ordered and never claim a second both ways", () => {
    expect(FOF_SONGS).toHaveLength(8);
    for (const s of FOF_SONGS) {
      for (const rs of [s.drums, s.noDrums, s.noGuitarInBacking]) expect(sorted(rs), s.dir).toBe(true);
      const on = windowsInRanges(s.drums, 400);
      const off = windowsInRanges(s.noDrums, 400);
      expect(
        on.some((v, w) => v === 1 && off[w] === 1),
        s.dir,
      ).toBe(false);
      expect(s.notes.length).toBeGreaterThan(20);
    }
  });

  it("names only real classes, with the required absent set for Wesnoth", () => {
    for (const id of ["drums", "distorted-guitar", "clean-guitar", "acoustic-guitar", "electric-bass"])
      expect(WESNOTH_ABSENT).toContain(id);
    for (const id of WESNOTH_ABSENT) expect(() => classIndex(id)).not.toThrow();
    for (const c of CLIPS) {
      expect(c.positives.length, c.id).toBeGreaterThan(0);
      for (const id of [...c.positives, ...c.unknown]) expect(() => classIndex(id), `${c.id}: ${id}`).not.toThrow();
      for (const id of c.positives) expect(c.unknown, c.id).not.toContain(id);
    }
    expect(new Set([...CLIPS.map((c) => c.id), ...WESNOTH_TRACKS.map((t) => t.file)]).size).toBe(CLIPS.length + WESNOTH_TRACKS.length);
    // loop_amen is sampled from a commercial record: never in the set.
    expect(CLIPS.flatMap((c) => c.files).some((f) => f.includes("amen"))).toBe(false);
  });

  it("every file of an installed package exists", () => {
    const installed = SOURCE_IDS.filter((s) => missingPackages([s]).length === 0);
    expect(installed).toContain("sonic-pi"); // .ci/apt-packages.txt installs sonic-pi-samples
    for (const plan of planDevSet(installed, DEBIAN_ROOTS)) for (const f of plan.files) expect(existsSync(f), f).toBe(true);
    expect(existsSync(join(DEBIAN_ROOTS["sonic-pi"], "loop_tabla.flac"))).toBe(true);
  });
});
