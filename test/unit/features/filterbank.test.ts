import { describe, expect, it } from "vitest";
import { applyFilterbank, hzToMelSlaney, melBandEdgesHz, melFilterbank, melToHzSlaney } from "../../../src/features/filterbank.js";
import { DEFAULT_MEL_PARAMS } from "../../../src/features/params.js";
import { expectAllClose, flat2 } from "../../helpers/close.js";
import { loadFixture } from "../../helpers/fixtures.js";

interface FilterbankFixture {
  meta: { shape: [number, number]; nonzero_bin_range_per_band: [number, number][] };
  mel_frequencies_98: number[];
  weights: number[][];
}

const fx = loadFixture<FilterbankFixture>("reference/mel_filterbank_22050_1024_96.json");

describe("Slaney mel filterbank vs librosa filters.mel", () => {
  const fb = melFilterbank();

  it("98 band edges match mel_frequencies_98", () => {
    const edges = melBandEdgesHz();
    // The fixture rounds the edges (up to 11025 Hz) to ~12 significant digits.
    const r = expectAllClose(edges, fx.mel_frequencies_98, 1e-8, "band edges Hz");
    console.log(`filterbank: band edges max |Δ| ${r.maxAbs.toExponential(2)} Hz (fixture stores 12 significant digits)`);
    expect(edges[0]).toBe(0);
    expect(edges[97]).toBeCloseTo(11025, 9);
  });

  it("weights within 1e-9 absolute", () => {
    expect([fb.nMels, fb.nBins]).toEqual(fx.meta.shape);
    const r = expectAllClose(fb.weights, flat2(fx.weights), 1e-9, "mel weights");
    console.log(`filterbank: weights max |Δ| ${r.maxAbs.toExponential(2)}`);
  });

  it("sparse ranges match nonzero_bin_range_per_band and the packed weights equal the dense ones", () => {
    const ranges = Array.from(fb.first, (f, m) => [f, (fb.end[m] as number) - 1]);
    expect(ranges).toEqual(fx.meta.nonzero_bin_range_per_band);
    // Dense product vs packed product on a random spectrum.
    const power = Float64Array.from({ length: fb.nBins }, (_, k) => ((k * 7919) % 101) / 17 + 1e-3);
    const dense = new Float64Array(fb.nMels);
    for (let m = 0; m < fb.nMels; m++) {
      let acc = 0;
      for (let k = 0; k < fb.nBins; k++) acc += (fb.weights[m * fb.nBins + k] as number) * (power[k] as number);
      dense[m] = acc;
    }
    const sparse = new Float64Array(fb.nMels * 3);
    applyFilterbank(fb, power, sparse, 1, 3);
    const column = sparse.filter((_, i) => i % 3 === 1);
    expectAllClose(column, dense, 1e-12, "packed vs dense");
  });

  it("is cached per parameter set", () => {
    expect(melFilterbank({ ...DEFAULT_MEL_PARAMS })).toBe(fb);
    const small = melFilterbank({ ...DEFAULT_MEL_PARAMS, nMels: 40 });
    expect(small).not.toBe(fb);
    expect(small.nMels).toBe(40);
  });

  it("mel scale: linear below 1 kHz, log above, and invertible", () => {
    expect(hzToMelSlaney(1000)).toBeCloseTo(15, 12);
    expect(hzToMelSlaney(500)).toBeCloseTo(7.5, 12);
    expect(hzToMelSlaney(6400)).toBeCloseTo(15 + 27, 12);
    for (const f of [0, 100, 999.9, 1000, 4321, 11025]) expect(melToHzSlaney(hzToMelSlaney(f))).toBeCloseTo(f, 8);
  });
});
