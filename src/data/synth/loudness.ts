/**
 * Integrated loudness of a mono signal per ITU-R BS.1770-4 (10/2015), Annex 1 and 2: K-weighting
 * (a high-shelf "pre-filter" modelling the head, then the RLB high-pass), mean square over 400 ms
 * blocks overlapping by 75 %, an absolute gate at -70 LKFS and a relative gate 10 LU below the
 * loudness of the blocks that pass the absolute gate. For one channel the channel weight G is 1,
 * so a block's loudness is -0.691 + 10·log10(z). LUFS and LKFS are the same unit.
 *
 * The standard publishes the K-weighting biquads for 48 kHz only. The mastering chain runs at the
 * corpus rate (22.05 or 44.1 kHz), so the same analogue response is rebuilt at any rate with the
 * bilinear transform (pre-warped at each filter's corner) from analogue prototypes whose corner,
 * gain and Q were fitted so that at 48 kHz they give back the standard's table (the
 * parametrisation libebur128 uses; at 48 kHz it matches the table to ~1e-9, which
 * test/unit/data/synth/loudness.test.ts checks, and a NumPy reference that resamples to 48 kHz and
 * uses the table itself checks the whole measurement).
 */

/** Biquad coefficients normalised by a0: [b0, b1, b2, a1, a2]. */
export type Biquad = readonly [b0: number, b1: number, b2: number, a1: number, a2: number];

/** Absolute gate, LKFS (BS.1770-4 §2.1, Γa). */
export const ABSOLUTE_GATE_LKFS = -70;
/** Relative gate below the absolutely gated loudness, LU (Γr). */
export const RELATIVE_GATE_LU = -10;
/** Gating block length, s (Tg). */
const BLOCK_SEC = 0.4;
/** Hops per block: 75 % overlap. */
const HOPS_PER_BLOCK = 4;

/**
 * The two K-weighting stages at `sampleRateHz`: [pre-filter (high shelf, +4 dB above ~1.7 kHz),
 * RLB weighting (2nd-order high-pass at ~38 Hz)].
 */
export function kWeightingCoeffs(sampleRateHz: number): [Biquad, Biquad] {
  // Stage 1: high shelf. Vh is the high-frequency gain, Vb the mid "band" gain of the
  // prototype H(s) = (Vh s² + Vb (ω0/Q) s + ω0²) / (s² + (ω0/Q) s + ω0²).
  const f1 = 1681.974450955533;
  const g1Db = 3.999843853973347;
  const q1 = 0.7071752369554196;
  const k1 = Math.tan((Math.PI * f1) / sampleRateHz);
  const vh = Math.pow(10, g1Db / 20);
  const vb = Math.pow(vh, 0.4996667741545416);
  const d1 = 1 + k1 / q1 + k1 * k1;
  const shelf: Biquad = [
    (vh + (vb * k1) / q1 + k1 * k1) / d1,
    (2 * (k1 * k1 - vh)) / d1,
    (vh - (vb * k1) / q1 + k1 * k1) / d1,
    (2 * (k1 * k1 - 1)) / d1,
    (1 - k1 / q1 + k1 * k1) / d1,
  ];
  // Stage 2: high-pass. The table's numerator is [1, -2, 1] unnormalised, which gives its passband
  // a gain of d48 = 1 + K/Q + K² at 48 kHz (+0.043 dB; the -0.691 dB offset assumes it). Keeping
  // [1, -2, 1] at another rate would change that gain (+0.094 dB at 22.05 kHz), so the numerator
  // is scaled to keep the 48 kHz passband gain at every rate.
  const f2 = 38.13547087602444;
  const q2 = 0.5003270373238773;
  const warp = (rate: number): number => Math.tan((Math.PI * f2) / rate);
  const k2 = warp(sampleRateHz);
  const d2 = 1 + k2 / q2 + k2 * k2;
  const k48 = warp(48000);
  const g2 = (1 + k48 / q2 + k48 * k48) / d2;
  const highPass: Biquad = [g2, -2 * g2, g2, (2 * (k2 * k2 - 1)) / d2, (1 - k2 / q2 + k2 * k2) / d2];
  return [shelf, highPass];
}

/**
 * Mean square of the K-weighted signal per 100 ms hop (the quarter-block the 75 %-overlapping
 * 400 ms blocks are built from). The hop is round(0.1·rate) samples: exact at 22.05, 44.1 and
 * 48 kHz. Both biquads run in float64, transposed direct form II, in one pass.
 */
export function kWeightedHopEnergies(x: ArrayLike<number>, sampleRateHz: number): { energies: Float64Array; hopSamples: number } {
  const hop = Math.round((BLOCK_SEC / HOPS_PER_BLOCK) * sampleRateHz);
  const [[p0, p1, p2, pa1, pa2], [r0, r1, r2, ra1, ra2]] = kWeightingCoeffs(sampleRateHz);
  const nHops = Math.floor(x.length / hop);
  const energies = new Float64Array(nHops);
  let s1 = 0;
  let s2 = 0;
  let t1 = 0;
  let t2 = 0;
  for (let h = 0; h < nHops; h++) {
    let e = 0;
    const end = (h + 1) * hop;
    for (let i = h * hop; i < end; i++) {
      const xi = x[i] as number;
      const u = p0 * xi + s1;
      s1 = p1 * xi - pa1 * u + s2;
      s2 = p2 * xi - pa2 * u;
      const v = r0 * u + t1;
      t1 = r1 * u - ra1 * v + t2;
      t2 = r2 * u - ra2 * v;
      e += v * v;
    }
    energies[h] = e / hop;
  }
  return { energies, hopSamples: hop };
}

/** Loudness of a mean square z, LKFS (BS.1770-4 eq. 2 with G = 1). */
function lkfs(z: number): number {
  return -0.691 + 10 * Math.log10(z);
}

/**
 * Gated integrated loudness from per-hop energies ({@link kWeightedHopEnergies}); only blocks that
 * lie wholly inside the signal count. Returns -Infinity when every block is gated out (silence or
 * a signal shorter than 400 ms).
 */
export function gatedLoudness(hopEnergies: Float64Array): number {
  const nBlocks = hopEnergies.length - HOPS_PER_BLOCK + 1;
  if (nBlocks <= 0) return -Infinity;
  const z = new Float64Array(nBlocks);
  const absGate = Math.pow(10, (ABSOLUTE_GATE_LKFS + 0.691) / 10);
  let sum = 0;
  let count = 0;
  for (let j = 0; j < nBlocks; j++) {
    let e = 0;
    for (let k = 0; k < HOPS_PER_BLOCK; k++) e += hopEnergies[j + k] as number;
    const zj = e / HOPS_PER_BLOCK;
    z[j] = zj;
    if (zj > absGate) {
      sum += zj;
      count++;
    }
  }
  if (count === 0) return -Infinity;
  // The relative gate in the energy domain: l_j > lkfs(mean) - 10 ⇔ z_j > mean · 10^(-1).
  const relGate = (sum / count) * Math.pow(10, RELATIVE_GATE_LU / 10);
  let kept = 0;
  let n = 0;
  for (let j = 0; j < nBlocks; j++) {
    const zj = z[j] as number;
    if (zj > absGate && zj > relGate) {
      kept += zj;
      n++;
    }
  }
  return n === 0 ? -Infinity : lkfs(kept / n);
}

/** Integrated loudness of a mono signal, LUFS (-Infinity for silence). */
export function integratedLoudness(x: ArrayLike<number>, sampleRateHz: number): number {
  return gatedLoudness(kWeightedHopEnergies(x, sampleRateHz).energies);
}
