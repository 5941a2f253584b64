import { describe, expect, it } from "vitest";
import { Ballistics } from "../../../src/post/ballistics.js";

const HOP = 0.25;
/** A release time constant that halves the distance every 0.25 s frame: exp(-0.25 / tau) = 1/2. */
const HALVING = HOP / Math.LN2;

describe("Ballistics", () => {
  it("passes the first frame through and attacks instantly with attackSec 0", () => {
    const b = new Ballistics(2, { attackSec: 0, releaseSec: HALVING });
    expect(Array.from(b.step([0.2, 0.9], 0))).toEqual([Float32Array.of(0.2)[0], Float32Array.of(0.9)[0]]);
    const y = b.step([1, 1], HOP);
    expect(Array.from(y)).toEqual([1, 1]);
  });

  it("releases by half per frame when exp(-dt/tau) = 1/2 (hand-worked: 1, .5, .25, .125)", () => {
    const b = new Ballistics(1, { attackSec: 0, releaseSec: HALVING });
    const got = [b.step([1], 0), b.step([0], 0.25), b.step([0], 0.5), b.step([0], 0.75)].map((y) => y[0] as number);
    expect(got[0]).toBe(1);
    for (const [i, want] of [0.5, 0.25, 0.125].entries()) expect(got[i + 1]).toBeCloseTo(want, 6);
  });

  it("uses the sample-clock step: a dropped window is one longer step (0.5 s -> a quarter)", () => {
    const b = new Ballistics(1, { attackSec: 0, releaseSec: HALVING });
    b.step([1], 0);
    expect(b.step([0], 0.5)[0]).toBeCloseTo(0.25, 6);
  });

  it("rises with the attack constant and falls with the release constant", () => {
    const b = new Ballistics(1, { attackSec: HALVING, releaseSec: 0 });
    b.step([0], 0);
    expect(b.step([1], 0.25)[0]).toBeCloseTo(0.5, 6);
    expect(b.step([1], 0.5)[0]).toBeCloseTo(0.75, 6);
    expect(b.step([0], 0.75)[0]).toBe(0); // instant release
  });

  it("supports per-class times and changing them at run time", () => {
    const b = new Ballistics(2, [
      { attackSec: 0, releaseSec: 0 },
      { attackSec: 0, releaseSec: HALVING },
    ]);
    b.step([1, 1], 0);
    const y = b.step([0, 0], 0.25);
    expect(y[0]).toBe(0);
    expect(y[1]).toBeCloseTo(0.5, 6);
    b.setTimes({ attackSec: 0, releaseSec: 0 }, 1);
    expect(b.step([0, 0], 0.5)[1]).toBe(0);
    expect(b.timesOf(1)).toEqual({ attackSec: 0, releaseSec: 0 });
  });

  it("rejects negative times and wrong widths with a message naming the value", () => {
    expect(() => new Ballistics(1, { attackSec: -1, releaseSec: 0 })).toThrow(/attackSec >= 0 seconds, got -1/);
    expect(() => new Ballistics(2).step([1], 0)).toThrow(/got 1 scores, expected 2/);
  });
});
