/**
 * Mix-bus dynamics for the mastering chain (master.ts): a feed-forward bus compressor and a
 * look-ahead brick-wall limiter, both in place on mono float32.
 *
 * Compressor: the log-domain design of Giannoulis, Massberg & Reiss, "Digital Dynamic Range
 * Compressor Design — A Tutorial and Analysis", JAES 60(6), 2012: a level detector (peak, or RMS
 * with a 15 ms mean-square time constant), their soft-knee gain computer, and their "smooth
 * branching" attack/release smoother applied to the gain reduction in dB, after the gain computer
 * (the log-domain arrangement they recommend). The gain is computed at a control rate of about
 * 2.76 kHz (every 8 samples at 22.05 kHz, 16 at 44.1 kHz) and interpolated linearly in between:
 * the shortest attack drawn (1 ms) still spans 2.7 control periods, and a log and an exp per
 * sample would cost several times the rest of the compressor.
 *
 * Limiter: the gain needed at each sample is the minimum over a look-ahead window (the samples
 * from it to at least L ahead), released by a one-pole that may only rise, then smoothed by a
 * moving average over L samples. For every output sample, each of the L values averaged is at
 * most the gain that sample itself needs (each window it comes from covers that sample), so the
 * output can never exceed the ceiling: a brick wall without overshoot, and an attack ramp of
 * exactly the look-ahead time. In front of it sits an optional soft clipper
 * (linear up to the ceiling, then a tanh segment towards `clipDb` above it), as in loud masters:
 * a limiter alone cannot reach today's loudest levels (on our mixes it saturated near -10 LUFS,
 * its gain reduction following every peak for a whole release time), clipping the tips of the
 * peaks first can. The clipper is monotone, so the look-ahead peak of its output is the clipped
 * look-ahead peak of its input, and the no-overshoot argument holds unchanged.
 */

/** Parameters of {@link compress}. */
export interface CompressorParams {
  /** Level detector: instantaneous peak or 15 ms RMS. */
  readonly detector: "peak" | "rms";
  /** Threshold, dBFS (of the detector level). */
  readonly thresholdDb: number;
  /** Ratio above the knee, >= 1. */
  readonly ratio: number;
  /** Knee width, dB (0 = hard knee). */
  readonly kneeDb: number;
  /** Attack time constant, ms. */
  readonly attackMs: number;
  /** Release time constant, ms. */
  readonly releaseMs: number;
  /** Make-up gain, dB. */
  readonly makeupDb: number;
}

/** Time constant of the RMS detector's mean square, ms. */
export const RMS_TIME_MS = 15;
/** Control rate of the compressor's gain computer, Hz (approximate: a whole number of samples). */
const CONTROL_RATE_HZ = 2756.25;
/** 20 / ln 10: dB per neper of amplitude (Math.log and Math.exp are cheaper than log10 and pow). */
const DB_PER_LN = 20 / Math.LN10;
/** Detector floor, dBFS: below it the level counts as silence (keeps log10 finite). */
const FLOOR_DB = -120;

/** Static curve: output level minus input level (the gain, <= 0 dB) at detector level `levelDb`. */
export function gainComputerDb(levelDb: number, p: Pick<CompressorParams, "thresholdDb" | "ratio" | "kneeDb">): number {
  const over = levelDb - p.thresholdDb;
  const slope = 1 / p.ratio - 1;
  if (2 * over <= -p.kneeDb) return 0;
  if (2 * Math.abs(over) < p.kneeDb) return (slope * (over + p.kneeDb / 2) ** 2) / (2 * p.kneeDb);
  return slope * over;
}

/**
 * Compresses `x` in place. Returns the mean gain reduction over the samples where the detector is
 * above the floor, dB (>= 0), for the metadata.
 */
export function compress(x: Float32Array, sampleRateHz: number, p: CompressorParams): number {
  const step = Math.max(1, Math.round(sampleRateHz / CONTROL_RATE_HZ));
  const stepSec = step / sampleRateHz;
  const att = Math.exp(-stepSec / (p.attackMs / 1000));
  const rel = Math.exp(-stepSec / (p.releaseMs / 1000));
  const msCoef = 1 - Math.exp(-1 / ((RMS_TIME_MS / 1000) * sampleRateHz));
  const makeup = Math.pow(10, p.makeupDb / 20);
  const rms = p.detector === "rms";
  // The knee starts at this detector level; below it the static gain is 0 dB and no log is needed.
  const kneeStart = Math.pow(10, (p.thresholdDb - p.kneeDb / 2) / 20);
  const kneeStartSq = kneeStart * kneeStart;
  let ms = 0;
  let grDb = 0; // smoothed gain reduction, dB (>= 0)
  let gPrev = makeup;
  let grSum = 0;
  let grCount = 0;
  for (let start = 0; start < x.length; start += step) {
    const end = Math.min(x.length, start + step);
    let level = 0; // peak |x| of the block, or the mean square at its end
    for (let i = start; i < end; i++) {
      const v = x[i] as number;
      if (rms) ms += msCoef * (v * v - ms);
      else if (v > level) level = v;
      else if (-v > level) level = -v;
    }
    let target = 0;
    if (rms ? ms > kneeStartSq : level > kneeStart) {
      const levelDb = rms ? DB_PER_LN * 0.5 * Math.log(ms) : DB_PER_LN * Math.log(level);
      target = -gainComputerDb(Math.max(FLOOR_DB, levelDb), p);
    }
    grDb = target > grDb ? att * grDb + (1 - att) * target : rel * grDb + (1 - rel) * target;
    if ((rms ? ms : level * level) > 1e-12) {
      grSum += grDb;
      grCount++;
    }
    const g = makeup * Math.exp(-grDb / DB_PER_LN);
    // Linear ramp from the previous control value to this one across the block.
    const dg = (g - gPrev) / (end - start);
    for (let i = start; i < end; i++) x[i] = (x[i] as number) * (gPrev + dg * (i - start + 1));
    gPrev = g;
  }
  return grCount === 0 ? 0 : grSum / grCount;
}

/** Parameters of {@link limit}. */
export interface LimiterParams {
  /** Sample-peak ceiling, dBFS. */
  readonly ceilingDb: number;
  /** Look-ahead (and attack ramp), ms. */
  readonly lookaheadMs: number;
  /** Release time constant, ms. */
  readonly releaseMs: number;
  /** Soft clipper's asymptote above the ceiling, dB (0 = no clipper). */
  readonly clipDb: number;
}

/** What {@link limit} did. */
export interface LimitStats {
  /** Largest gain reduction of the limiter, dB. */
  readonly maxReductionDb: number;
  /** Share of samples the soft clipper reshaped (0-1). */
  readonly clippedShare: number;
}

/** Look-ahead window of a limiter in samples (>= 1). */
export function lookaheadSamples(p: LimiterParams, sampleRateHz: number): number {
  return Math.max(1, Math.round((p.lookaheadMs / 1000) * sampleRateHz));
}

/**
 * max |x| over consecutive blocks of `win` samples (the last one may be shorter). The limiter
 * takes the peak ahead of sample i from the block of i and the next one: a window of L to 2L
 * samples that always covers [i, i + L), so the no-overshoot argument holds, for one cheap pass
 * instead of an exact sliding maximum. It does not depend on the input gain, so the loudness search
 * computes it once.
 */
export function blockPeaks(x: Float32Array, win: number): Float32Array {
  const out = new Float32Array(Math.ceil(x.length / win));
  for (let b = 0; b < out.length; b++) {
    let m = 0;
    const end = Math.min(x.length, (b + 1) * win);
    for (let i = b * win; i < end; i++) {
      const v = x[i] as number;
      if (v > m) m = v;
      else if (-v > m) m = -v;
    }
    out[b] = m;
  }
  return out;
}

/**
 * Writes `out[i] = limited(clipped(gain · x[i]))`. `peaks` is {@link blockPeaks}(x, L) for the
 * limiter's look-ahead L (pass it when calling repeatedly with different gains). Output sample
 * peaks stay at or below the ceiling (to float rounding: the ceiling is lowered by 1e-6 relative).
 */
export function limit(
  x: Float32Array,
  out: Float32Array,
  sampleRateHz: number,
  gain: number,
  p: LimiterParams,
  peaks?: Float32Array,
): LimitStats {
  const L = lookaheadSamples(p, sampleRateHz);
  const bp = peaks ?? blockPeaks(x, L);
  const ceiling = Math.pow(10, p.ceilingDb / 20) * (1 - 1e-6);
  const rel = 1 - Math.exp(-1 / ((p.releaseMs / 1000) * sampleRateHz));
  const n = x.length;
  const knee = ceiling;
  const range = ceiling * (Math.pow(10, p.clipDb / 20) - 1);
  const clip = (a: number): number => (a <= knee || range <= 0 ? a : knee + range * Math.tanh((a - knee) / range));
  // The gain a block's samples need: ceiling over the clipped peak of this block and the next.
  const need = (b: number): number => {
    const pk = clip(Math.max(bp[b] ?? 0, bp[b + 1] ?? 0) * gain);
    return pk > ceiling ? ceiling / pk : 1;
  };
  // ring holds the released gain e of the last L positions; the L - 1 positions before the signal
  // that start the moving average get the first block's need (its window covers samples 0..L-1).
  const ring = new Float64Array(L);
  let e = need(0);
  ring.fill(e);
  let sum = e * L;
  let head = 0;
  const invL = 1 / L;
  let minGain = 1;
  let clipped = 0;
  for (let b = 0; b * L < n; b++) {
    const h = need(b);
    const end = Math.min(n, (b + 1) * L);
    for (let i = b * L; i < end; i++) {
      e = h < e ? h : e + rel * (h - e);
      sum += e - (ring[head] as number);
      ring[head] = e;
      if (++head === L) head = 0;
      const s = sum * invL;
      if (s < minGain) minGain = s;
      let v = gain * (x[i] as number);
      if (range > 0 && (v > knee || -v > knee)) {
        v = v > 0 ? knee + range * Math.tanh((v - knee) / range) : -knee - range * Math.tanh((-v - knee) / range);
        clipped++;
      }
      out[i] = v * s;
    }
  }
  return { maxReductionDb: minGain < 1 ? -20 * Math.log10(minGain) : 0, clippedShare: n === 0 ? 0 : clipped / n };
}
