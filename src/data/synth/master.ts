/**
 * The realism element `master` (issue 16): a per-song mix-bus chain, so that the corpus mixes are
 * mastered as released music is, instead of the raw sum of the stems at a fixed peak.
 *
 * Chain, in order (parameters drawn per song, see {@link drawMaster}):
 * 1. reverb send through a synthetic room or plate impulse response (reverb-ir.ts), on 60 % of songs;
 * 2. EQ tilt: a low shelf and a high shelf at the same pivot with opposite gains (RBJ Audio-EQ-
 *    Cookbook shelves, S = 1), so the response turns by `tilt_db` from bass to treble around 0 dB at
 *    the pivot;
 * 3. bus compression (dynamics.ts), threshold set from the mix's own active RMS;
 * 4. gain into a soft clipper and a look-ahead brick-wall limiter (dynamics.ts) with a sample-peak
 *    ceiling of -1 to -0.1 dBFS, the gain found by a search so that the result meets an
 *    integrated-loudness target (loudness.ts, ITU-R BS.1770-4) drawn in the range of today's
 *    releases, -14 (streaming normalisation) to -7 LUFS (loud pop and rock);
 * 5. a lossy round trip, MP3 or Ogg Vorbis (lossy.ts), on 35 % of songs, its output matched back
 *    to the master's loudness.
 * Decoding a lossy stream puts sample peaks back over the limiter's ceiling (measured: up to
 * +0.7 dB), as it does for real releases; the WAV writer clips at full scale.
 *
 * Parameters come from their own stream, `<song seed key>/realism/master`, forked per stage, so
 * switching mastering on changes no other draw of the song, and a stage added later changes no
 * draw of the others. The stems and the activation labels are computed before the chain and do not
 * depend on it.
 */
import { activeRms, samplePeak } from "./mix.js";
import { blockPeaks, compress, gainComputerDb, limit, lookaheadSamples, type CompressorParams, type LimiterParams } from "./dynamics.js";
import { integratedLoudness, type Biquad } from "./loudness.js";
import { encoderVersion, lossyRoundTrip, NOMINAL_KBPS, type Codec } from "./lossy.js";
import type { SynthLeaf } from "./metadata-writer.js";
import { addReverb, synthIr, type IrParams } from "./reverb-ir.js";
import { Rng } from "./rng.js";

/** Every parameter of one song's chain. */
export interface MasterParams {
  /** Reverb send, or undefined for none. */
  readonly reverb: (IrParams & { readonly wetDb: number }) | undefined;
  /** Treble minus bass gain of the tilt, dB (-3..3). */
  readonly tiltDb: number;
  /** Pivot of the tilt, Hz. */
  readonly tiltPivotHz: number;
  /** Compressor, with its threshold relative to the mix's active RMS (dB) instead of absolute. */
  readonly comp: Omit<CompressorParams, "thresholdDb" | "makeupDb"> & { readonly thresholdRelDb: number };
  readonly limiter: LimiterParams;
  /** Integrated-loudness target, LUFS. */
  readonly lufsTarget: number;
  /** Lossy round trip, or undefined for none. */
  readonly lossy: { readonly codec: Codec; readonly kbps: number } | undefined;
}

/** Share of songs with a reverb send. */
const REVERB_SHARE = 0.6;
/** Share of songs that go through a lossy codec. */
const LOSSY_SHARE = 0.35;
/** The loudness search stops within this of the target, LU. */
const LUFS_TOLERANCE = 0.1;
const MAX_SEARCH_STEPS = 12;

/** Log-uniform draw in [lo, hi). */
function logUniform(rng: Rng, lo: number, hi: number): number {
  return Math.exp(rng.uniform(Math.log(lo), Math.log(hi)));
}

/** Draws one song's chain from the stream named `<seedKey>/realism/master`. */
export function drawMaster(seedKey: string): MasterParams {
  const rng = new Rng(`${seedKey}/realism/master`);
  const rv = rng.fork("reverb");
  const plate = rv.chance(0.4);
  const reverb = !rv.chance(REVERB_SHARE)
    ? undefined
    : plate
      ? {
          kind: "plate" as const,
          rt60Sec: logUniform(rv, 1, 2.5),
          hfRatio: rv.uniform(0.6, 0.9),
          crossoverHz: rv.uniform(3000, 6000),
          predelayMs: rv.uniform(0, 25),
          earlyReflections: 0,
          buildUpMs: rv.uniform(1, 3),
          wetDb: rv.uniform(-24, -12),
        }
      : {
          kind: "room" as const,
          rt60Sec: logUniform(rv, 0.3, 1.2),
          hfRatio: rv.uniform(0.3, 0.6),
          crossoverHz: rv.uniform(1500, 4000),
          predelayMs: rv.uniform(0, 15),
          earlyReflections: rv.int(6, 12),
          buildUpMs: rv.uniform(10, 30),
          wetDb: rv.uniform(-24, -12),
        };
  const eq = rng.fork("eq");
  const cp = rng.fork("comp");
  const lm = rng.fork("limiter");
  const cd = rng.fork("codec");
  return {
    reverb,
    tiltDb: eq.uniform(-3, 3),
    tiltPivotHz: logUniform(eq, 600, 1600),
    comp: {
      detector: cp.pick(["rms", "peak"] as const),
      thresholdRelDb: cp.uniform(-4, 2),
      ratio: cp.uniform(1.5, 4),
      kneeDb: cp.uniform(2, 8),
      attackMs: logUniform(cp, 1, 30),
      releaseMs: logUniform(cp, 80, 600),
    },
    limiter: {
      ceilingDb: lm.uniform(-1, -0.1),
      lookaheadMs: lm.uniform(1.5, 5),
      releaseMs: logUniform(lm, 20, 200),
      clipDb: lm.uniform(0.5, 3),
    },
    lufsTarget: lm.uniform(-14, -7),
    lossy: cd.chance(LOSSY_SHARE) ? { codec: cd.pick(["mp3", "vorbis"] as const), kbps: cd.pick(NOMINAL_KBPS) } : undefined,
  };
}

/** RBJ cookbook shelf (S = 1): `high` = high shelf, else low shelf; `db` is the shelf gain. */
export function shelfCoeffs(sampleRateHz: number, hz: number, db: number, high: boolean): Biquad {
  const A = Math.pow(10, db / 40);
  const w = (2 * Math.PI * hz) / sampleRateHz;
  const c = Math.cos(w);
  const beta = 2 * Math.sqrt(A) * (Math.sin(w) / Math.SQRT2);
  const s = high ? 1 : -1; // the high shelf is the low shelf with the sign of the cos terms flipped
  const a0 = A + 1 - s * (A - 1) * c + beta;
  return [
    (A * (A + 1 + s * (A - 1) * c + beta)) / a0,
    (-2 * s * A * (A - 1 + s * (A + 1) * c)) / a0,
    (A * (A + 1 + s * (A - 1) * c - beta)) / a0,
    (2 * s * (A - 1 - s * (A + 1) * c)) / a0,
    (A + 1 - s * (A - 1) * c - beta) / a0,
  ];
}

/**
 * The tilt in place: low shelf at -tilt/2 and high shelf at +tilt/2 dB, both at the pivot, in one
 * pass (float64 state, transposed direct form II).
 */
export function applyTilt(x: Float32Array, sampleRateHz: number, tiltDb: number, pivotHz: number): void {
  const [a0, a1, a2, ad1, ad2] = shelfCoeffs(sampleRateHz, pivotHz, -tiltDb / 2, false);
  const [b0, b1, b2, bd1, bd2] = shelfCoeffs(sampleRateHz, pivotHz, tiltDb / 2, true);
  let s1 = 0;
  let s2 = 0;
  let t1 = 0;
  let t2 = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const u = a0 * xi + s1;
    s1 = a1 * xi - ad1 * u + s2;
    s2 = a2 * xi - ad2 * u;
    const v = b0 * u + t1;
    t1 = b1 * u - bd1 * v + t2;
    t2 = b2 * u - bd2 * v;
    x[i] = v;
  }
}

/** Result of {@link limitToLoudness}. */
export interface LoudnessSearch {
  readonly out: Float32Array;
  /** Gain into the limiter, dB. */
  readonly gainDb: number;
  /** Loudness of `out`, LUFS. */
  readonly lufs: number;
  /** Largest gain reduction of the limiter, dB. */
  readonly maxReductionDb: number;
  /** Share of samples the soft clipper reshaped. */
  readonly clippedShare: number;
  readonly steps: number;
}

/**
 * Finds the gain into the clipper and limiter that brings `x` to `targetLufs`. Both only ever
 * take level away, the more the harder they are driven, so loudness grows monotonically but ever
 * more slowly with the gain: secant steps (slope clamped to [0.05, 1], at most +12 dB a step)
 * inside a bracket that bisects when a step would leave it; 2-4 steps on our mixes. The
 * look-ahead peaks are computed once.
 */
export function limitToLoudness(x: Float32Array, sampleRateHz: number, lim: LimiterParams, targetLufs: number): LoudnessSearch {
  const out = new Float32Array(x.length);
  const ahead = blockPeaks(x, lookaheadSamples(lim, sampleRateHz));
  const l0 = integratedLoudness(x, sampleRateHz);
  if (!Number.isFinite(l0)) {
    out.set(x);
    return { out, gainDb: 0, lufs: l0, maxReductionDb: 0, clippedShare: 0, steps: 0 };
  }
  let g = targetLufs - l0;
  let lo = -Infinity;
  let hi = Infinity;
  let prev: { g: number; lufs: number } | undefined;
  let result: LoudnessSearch | undefined;
  for (let step = 1; step <= MAX_SEARCH_STEPS; step++) {
    const stats = limit(x, out, sampleRateHz, Math.pow(10, g / 20), lim, ahead);
    const lufs = integratedLoudness(out, sampleRateHz);
    result = { out, gainDb: g, lufs, ...stats, steps: step };
    const err = targetLufs - lufs;
    if (Math.abs(err) <= LUFS_TOLERANCE) break;
    if (err > 0) lo = Math.max(lo, g);
    else hi = Math.min(hi, g);
    const slope = prev === undefined || prev.g === g ? 1 : Math.min(1, Math.max(0.05, (lufs - prev.lufs) / (g - prev.g)));
    prev = { g, lufs };
    let next = g + Math.min(12, err / slope);
    if (!(next > lo && next < hi)) next = Number.isFinite(lo) && Number.isFinite(hi) ? (lo + hi) / 2 : g + Math.sign(err) * 3;
    g = next;
  }
  return result as LoudnessSearch;
}

/** Sample peak, dBFS. */
function peakDb(x: Float32Array): number {
  return 20 * Math.log10(Math.max(samplePeak(x), 1e-10));
}

const r = (v: number, digits = 2): number => Number(v.toFixed(digits));

/** What {@link masterMix} produced: the mastered mix and the metadata record of the chain. */
export interface MasterResult {
  readonly mix: Float32Array;
  readonly params: MasterParams;
  readonly info: Readonly<Record<string, SynthLeaf>>;
}

/** One 16-bit step: the limiter's ceiling is lowered by it so that rounding to 16 bits cannot cross it. */
const LSB = 1 / 32767;

/** Runs the chain on a copy of `mix` (mono, `sampleRateHz`), with the parameters of `seedKey`'s song. */
export async function masterMix(mix: Float32Array, sampleRateHz: number, seedKey: string): Promise<MasterResult> {
  const p = drawMaster(seedKey);
  const sr = sampleRateHz;
  const y = mix.slice();
  // A mix with no gated loudness (silent, or shorter than one 400 ms block) has no level to aim
  // for, and an empty stream would not survive an encoder: it is written as it is.
  if (!Number.isFinite(integratedLoudness(mix, sr))) return { mix: y, params: p, info: { skipped: "silent mix" } };
  if (p.reverb !== undefined) addReverb(y, synthIr(p.reverb, sr, new Rng(`${seedKey}/realism/master/ir`)), p.reverb.wetDb);
  applyTilt(y, sr, p.tiltDb, p.tiltPivotHz);
  const rmsDb = 20 * Math.log10(Math.max(activeRms(y), 1e-10));
  // The peak detector reads the waveform's peaks, ~6 dB above a dense mix's RMS: same drawn offset.
  const thresholdDb = rmsDb + p.comp.thresholdRelDb + (p.comp.detector === "peak" ? 6 : 0);
  // Make-up restores the static gain reduction at the mix's RMS level (the limiter sets the final level).
  const makeupDb = -gainComputerDb(rmsDb + (p.comp.detector === "peak" ? 6 : 0), {
    thresholdDb,
    ratio: p.comp.ratio,
    kneeDb: p.comp.kneeDb,
  });
  const comp: CompressorParams = { ...p.comp, thresholdDb, makeupDb };
  const meanGr = compress(y, sr, comp);
  const ceilingDb = 20 * Math.log10(Math.pow(10, p.limiter.ceilingDb / 20) - LSB);
  const search = limitToLoudness(y, sr, { ...p.limiter, ceilingDb }, p.lufsTarget);
  let out = search.out;
  let lossyInfo: Record<string, SynthLeaf> = { codec: "none" };
  if (p.lossy !== undefined) {
    const rt = await lossyRoundTrip(out, sr, p.lossy.codec, p.lossy.kbps);
    out = rt.audio;
    // Match the decoded stream's loudness to the master's, as a player's loudness normalisation
    // would: LAME's CBR and ABR modes come out ~0.45 dB quieter (measured: a 1 kHz sine and our
    // mixes, 48-160 kb/s; its VBR mode and Vorbis within 0.05 dB).
    const decodedLufs = integratedLoudness(out, sr);
    const matchDb = Number.isFinite(decodedLufs) && Number.isFinite(search.lufs) ? search.lufs - decodedLufs : 0;
    const match = Math.pow(10, matchDb / 20);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * match;
    lossyInfo = {
      codec: p.lossy.codec,
      kbps: p.lossy.kbps,
      encoded_kbps: rt.encodedKbps,
      encoder: encoderVersion(p.lossy.codec),
      codec_delay_samples: rt.delaySamples,
      codec_match_db: r(matchDb),
    };
  }
  const rv = p.reverb;
  const info: Record<string, SynthLeaf> = {
    reverb: rv === undefined ? "none" : rv.kind,
    ...(rv === undefined
      ? {}
      : {
          reverb_rt60_s: r(rv.rt60Sec, 3),
          reverb_hf_ratio: r(rv.hfRatio, 3),
          reverb_crossover_hz: Math.round(rv.crossoverHz),
          reverb_predelay_ms: r(rv.predelayMs, 1),
          reverb_early_reflections: rv.earlyReflections,
          reverb_build_up_ms: r(rv.buildUpMs, 1),
          reverb_wet_db: r(rv.wetDb),
        }),
    tilt_db: r(p.tiltDb),
    tilt_pivot_hz: Math.round(p.tiltPivotHz),
    comp_detector: comp.detector,
    comp_threshold_db: r(thresholdDb),
    comp_ratio: r(comp.ratio),
    comp_knee_db: r(comp.kneeDb),
    comp_attack_ms: r(comp.attackMs),
    comp_release_ms: r(comp.releaseMs, 1),
    comp_makeup_db: r(makeupDb),
    comp_mean_reduction_db: r(meanGr),
    limiter_ceiling_db: r(p.limiter.ceilingDb),
    limiter_lookahead_ms: r(p.limiter.lookaheadMs),
    limiter_release_ms: r(p.limiter.releaseMs, 1),
    limiter_gain_db: r(search.gainDb),
    limiter_max_reduction_db: r(search.maxReductionDb),
    clip_db: r(p.limiter.clipDb),
    clipped_share: r(search.clippedShare, 4),
    lufs_target: r(p.lufsTarget),
    lufs_limited: r(search.lufs),
    ...lossyInfo,
    lufs_measured: r(integratedLoudness(out, sr)),
    // Before the 16-bit writer, which clips at full scale (a decoded stream can go over).
    peak_dbfs: r(peakDb(out)),
  };
  return { mix: out, params: p, info };
}
