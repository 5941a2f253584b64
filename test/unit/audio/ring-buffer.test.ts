import { describe, expect, it } from "vitest";
import { SampleRing } from "../../../src/audio/ring-buffer.js";

describe("SampleRing", () => {
  it("returns any held range by absolute index across wrap-around, whatever the write sizes", () => {
    const ring = new SampleRing(100);
    const all = Float32Array.from({ length: 1000 }, (_, i) => i);
    const sizes = [1, 7, 99, 100, 3, 250, 40];
    let at = 0;
    for (let k = 0; at < all.length; k++) {
      const n = Math.min(sizes[k % sizes.length] as number, all.length - at);
      ring.write(all.subarray(at, at + n));
      at += n;
      expect(ring.writeIndex).toBe(at);
      const start = Math.max(0, at - 100);
      const got = ring.read(start, new Float32Array(at - start));
      expect(Array.from(got)).toEqual(Array.from(all.subarray(start, at)));
    }
  });

  it("throws instead of returning overwritten or unwritten samples", () => {
    const ring = new SampleRing(10);
    ring.write(new Float32Array(25));
    expect(ring.oldestIndex).toBe(15);
    expect(() => ring.read(14, new Float32Array(2))).toThrow(/\[14, 16\) is not held \(holding \[15, 25\)\)/);
    expect(() => ring.read(20, new Float32Array(6))).toThrow(/not held/);
    ring.reset();
    expect(ring.writeIndex).toBe(0);
  });

  it("accepts plain arrays", () => {
    const ring = new SampleRing(4);
    ring.write([1, 2, 3, 4, 5, 6]);
    expect(Array.from(ring.read(2, new Float32Array(4)))).toEqual([3, 4, 5, 6]);
  });
});
