/** downmixToMono: the plain channel mean (librosa to_mono), a fresh array every time. */
import { describe, expect, it } from "vitest";
import { downmixToMono } from "../../../src/audio/downmix.js";
import { expectAllClose } from "../../helpers/close.js";

const ch = (n: number, seed: number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.1 * seed) * (0.3 + seed / 10));

describe("downmixToMono", () => {
  it("returns a copy of a single channel", () => {
    const a = ch(100, 1);
    const m = downmixToMono([a]);
    expect(m).not.toBe(a);
    expectAllClose(m, a, 0, "mono");
  });

  it("averages two channels exactly: fround((l + r) / 2)", () => {
    const l = ch(1000, 1);
    const r = ch(1000, 2);
    expectAllClose(
      downmixToMono([l, r]),
      Float32Array.from(l, (v, i) => (v + (r[i] as number)) / 2),
      0,
      "stereo",
    );
  });

  it.each([3, 6])("averages %i channels (mean, no pan law)", (k) => {
    const chans = Array.from({ length: k }, (_, c) => ch(500, c + 1));
    const want = Float64Array.from({ length: 500 }, (_, i) => chans.reduce((s, c) => s + (c[i] as number), 0) / k);
    expectAllClose(downmixToMono(chans), want, 6e-8, `${k} channels`); // one float32 rounding of values < 1
  });

  it("rejects no channels and unequal lengths", () => {
    expect(() => downmixToMono([])).toThrow(/no channels/);
    expect(() => downmixToMono([ch(3, 1), ch(4, 1)])).toThrow(/differ in length/);
  });
});
