import { describe, expect, it } from "vitest";
import { Hysteresis } from "../../../src/post/hysteresis.js";

/** Runs one class through a score timeline at a 0.25 s hop; returns the active flags. */
function run(h: Hysteresis, scores: readonly number[], hop = 0.25): number[] {
  return scores.map((s, i) => h.step([s], i * hop)[0] as number);
}

describe("Hysteresis", () => {
  it("is a plain threshold with band 0 and no hold", () => {
    const h = new Hysteresis({ thresholds: [0.5], band: 0, minHoldSec: 0 });
    expect(run(h, [0.49, 0.5, 0.49, 0.7, 0.2])).toEqual([0, 1, 0, 1, 0]);
  });

  it("turns on at th + b(1 - th) and off below th - b*th (th 0.5, b 0.2: on 0.6, off 0.4)", () => {
    const h = new Hysteresis({ thresholds: [0.5], band: 0.2, minHoldSec: 0 });
    expect(h.onLevel(0)).toBeCloseTo(0.6, 12);
    expect(h.offLevel(0)).toBeCloseTo(0.4, 12);
    // 0.55 is not enough to turn on; once on, 0.45 keeps it on; 0.39 turns it off.
    expect(run(h, [0.55, 0.6, 0.45, 0.41, 0.39, 0.55])).toEqual([0, 1, 1, 1, 0, 0]);
  });

  it("keeps both levels inside (0, 1) for a high threshold", () => {
    const h = new Hysteresis({ thresholds: [0.95], band: 0.5, minHoldSec: 0 });
    expect(h.onLevel(0)).toBeCloseTo(0.975, 12);
    expect(h.offLevel(0)).toBeCloseTo(0.475, 12);
  });

  it("holds a state for minHoldSec after a change (hand-worked, hold 0.5 s at 0.25 s hop)", () => {
    const h = new Hysteresis({ thresholds: [0.5], band: 0, minHoldSec: 0.5 });
    // t:      0    .25  .5   .75  1    1.25 1.5
    const s = [0.9, 0.1, 0.1, 0.9, 0.9, 0.1, 0.9];
    // on at 0; may change from 0.5 (0.5 s later): off at .5; may change from 1.0: on at 1.0;
    // off allowed from 1.5? score .9 at 1.5 -> stays on
    expect(run(h, s)).toEqual([1, 1, 0, 0, 1, 1, 1]);
  });

  it("mutes a class at once and unmutes it, thresholds change at run time", () => {
    const h = new Hysteresis({ thresholds: [0.5, 0.5], band: 0, minHoldSec: 10 });
    expect(Array.from(h.step([0.9, 0.9], 0))).toEqual([1, 1]);
    h.setMuted(0, true);
    expect(Array.from(h.step([0.9, 0.9], 0.25))).toEqual([0, 1]);
    h.setThreshold(1, 0.95);
    expect(h.getThresholds()[1]).toBe(0.95);
    expect(Array.from(h.getMuted())).toEqual([1, 0]);
  });

  it("rejects out-of-range settings naming the value", () => {
    expect(() => new Hysteresis({ thresholds: [1.5] })).toThrow(/threshold\[0\] in \[0, 1\], got 1.5/);
    expect(() => new Hysteresis({ thresholds: [0.5], band: 1 })).toThrow(/band in \[0, 1\), got 1/);
    expect(() => new Hysteresis({ thresholds: [0.5] }).setThreshold(3, 0.5)).toThrow(/class index 3/);
  });
});
