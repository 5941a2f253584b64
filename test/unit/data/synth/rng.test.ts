import { describe, expect, it } from "vitest";
import { Rng } from "../../../../src/data/synth/rng.js";

describe("Rng", () => {
  it("gives the same sequence for the same key and different ones for different keys", () => {
    const a = new Rng("song/1");
    const b = new Rng("song/1");
    const c = new Rng("song/2");
    const sa = Array.from({ length: 50 }, () => a.nextUint32());
    const sb = Array.from({ length: 50 }, () => b.nextUint32());
    const sc = Array.from({ length: 50 }, () => c.nextUint32());
    expect(sb).toEqual(sa);
    expect(sc.filter((v, i) => v === sa[i]).length).toBeLessThan(2);
  });

  it("forks by name without advancing the parent", () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const child = a.fork("drums");
    expect(a.next()).toBe(b.next());
    expect(child.key).toBe("7/drums");
    expect(a.fork("drums").next()).toBe(new Rng("7/drums").next());
  });

  it("draws uniform floats with mean 1/2 and integers covering both bounds", () => {
    const r = new Rng("stats");
    let sum = 0;
    const seen = new Set<number>();
    for (let i = 0; i < 20000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
      seen.add(r.int(3, 6));
    }
    // standard error of the mean of 20000 U(0,1) draws is 0.002
    expect(Math.abs(sum / 20000 - 0.5)).toBeLessThan(0.01);
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it("never picks zero-weight items and follows weights", () => {
    const r = new Rng("weights");
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 10000; i++)
      counts[
        r.weighted<"a" | "b" | "c">([
          ["a", 1],
          ["b", 0],
          ["c", 3],
        ])
      ]++;
    expect(counts.b).toBe(0);
    expect(counts.c / counts.a).toBeGreaterThan(2.6);
    expect(counts.c / counts.a).toBeLessThan(3.4);
  });

  it("shuffles into a permutation and normal() has the right moments", () => {
    const r = new Rng("shuffle");
    const items = Array.from({ length: 30 }, (_, i) => i);
    expect(r.shuffle(items).sort((x, y) => x - y)).toEqual(items);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = r.normal(2, 3);
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    expect(Math.abs(mean - 2)).toBeLessThan(0.1);
    expect(Math.abs(Math.sqrt(s2 / n - mean * mean) - 3)).toBeLessThan(0.1);
  });
});
