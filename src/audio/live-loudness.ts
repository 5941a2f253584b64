/**
 * Level normalisation for live input.
 *
 * Offline, every track is divided by its whole-track RMS before windowing (MelParams.normalization
 * "rms-track", src/features/normalize.ts), so the model sees each track at unit RMS. Live input
 * has no "whole track": the best causal estimate of that RMS is the RMS of what was heard so far,
 * over a long trailing horizon. {@link RunningLoudness} keeps mean squares of fixed blocks on the
 * sample clock and answers "RMS of the last `horizonSec` before sample e" for a window ending at e:
 *
 * - horizon (default 20 s): long enough that one loud bar or a breakdown moves the estimate by a
 *   few dB at most, short enough to follow a new song in a set within a verse;
 * - gate (default -70 dBFS block RMS): silent blocks (pauses between songs, a muted channel) are
 *   left out of the mean, like the absolute gate of EBU R128 / ITU-R BS.1770, so silence does not
 *   pull the estimate down and blast the next note; offline track RMS does include silence, which
 *   is one source of the (measured, README) difference;
 * - floor (default -50 dBFS): the estimate never goes below it, so room noise on an idle input is
 *   analysed at its true low level instead of being amplified to unit RMS.
 *
 * One gain per window: the whole window is divided by the estimate at its end. Because the model
 * input is dB with a top_db clip relative to the window's own maximum, dividing a window by r only
 * shifts all its mel values by -20 log10(r) dB (except bins at the amin floor), so the live window
 * equals the offline window plus a constant 20 log10(trackRms / runningRms) dB.
 *
 * The sums run sample by sample on the absolute sample clock, so the estimate at any e does not
 * depend on how the stream was chunked: the offline pipeline replays it exactly (live == offline).
 */
import { RMS_SILENCE_THRESHOLD } from "../features/normalize.js";

/** How the live (and, for comparison, the offline) pipeline sets each window's level. */
export type LevelNormalization =
  /** Causal running RMS (the live default). */
  | {
      readonly kind: "running";
      readonly horizonSec?: number;
      readonly blockSec?: number;
      readonly floorDb?: number;
      readonly gateDb?: number;
    }
  /** Divide by a known RMS (e.g. the track RMS computed beforehand); equals offline "rms-track" exactly. */
  | { readonly kind: "fixed"; readonly rms: number }
  /** No level change (the signal as captured). */
  | { readonly kind: "none" };

/** Live default: running RMS over 20 s, 0.1 s blocks, -50 dBFS floor, -70 dBFS gate. */
export const DEFAULT_LIVE_NORMALIZATION: LevelNormalization = Object.freeze({ kind: "running" });

const DEFAULTS = { horizonSec: 20, blockSec: 0.1, floorDb: -50, gateDb: -70 } as const;
/** Blocks kept beyond the horizon, so a window end may lag the newest sample by up to ~6 s. */
const SLACK_BLOCKS = 64;

const dbToAmp = (d: number): number => 10 ** (d / 20);

/** Running, gated, floored RMS on the sample clock. */
export class RunningLoudness {
  /** Block length, samples. */
  readonly blockSamples: number;
  /** Horizon, samples. */
  readonly horizonSamples: number;
  /** Lowest RMS returned (linear). */
  readonly floorRms: number;
  private readonly gateMs: number;
  /** Mean square of block j at ms[j % ms.length]; NaN marks "below the gate". */
  private readonly ms: Float64Array;
  private pushed = 0;
  private acc = 0;

  /** @param sampleRateHz rate of the pushed samples, Hz (22050 in the pipeline) */
  constructor(sampleRateHz: number, opts: Extract<LevelNormalization, { kind: "running" }> = { kind: "running" }) {
    const horizonSec = opts.horizonSec ?? DEFAULTS.horizonSec;
    const blockSec = opts.blockSec ?? DEFAULTS.blockSec;
    if (!(horizonSec > 0) || !(blockSec > 0) || blockSec > horizonSec) {
      throw new RangeError(`RunningLoudness: need 0 < blockSec <= horizonSec, got blockSec ${blockSec}, horizonSec ${horizonSec}`);
    }
    this.blockSamples = Math.max(1, Math.round(blockSec * sampleRateHz));
    this.horizonSamples = Math.round(horizonSec * sampleRateHz);
    this.floorRms = dbToAmp(opts.floorDb ?? DEFAULTS.floorDb);
    const gate = dbToAmp(opts.gateDb ?? DEFAULTS.gateDb);
    this.gateMs = gate * gate;
    this.ms = new Float64Array(Math.ceil(this.horizonSamples / this.blockSamples) + SLACK_BLOCKS);
  }

  /** Samples pushed so far (the sample clock). */
  get position(): number {
    return this.pushed;
  }

  /** Appends samples at the sample clock. */
  push(samples: ArrayLike<number>): void {
    const b = this.blockSamples;
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i] as number;
      this.acc += v * v;
      this.pushed++;
      if (this.pushed % b === 0) {
        const mean = this.acc / b;
        this.ms[(this.pushed / b - 1) % this.ms.length] = mean < this.gateMs ? NaN : mean;
        this.acc = 0;
      }
    }
  }

  /**
   * RMS estimate for a window ending at `endSample` (exclusive): over whole blocks inside
   * [endSample - horizon, endSample) that pass the gate, never below the floor.
   * @throws RangeError if endSample is ahead of the pushed samples or too far behind them
   */
  rmsAt(endSample: number): number {
    if (endSample > this.pushed) throw new RangeError(`RunningLoudness: rmsAt(${endSample}) is ahead of the ${this.pushed} samples pushed`);
    const b = this.blockSamples;
    const last = Math.floor(endSample / b) - 1;
    const first = Math.max(0, Math.ceil((endSample - this.horizonSamples) / b));
    const newest = Math.floor(this.pushed / b) - 1;
    if (newest - first >= this.ms.length) throw new RangeError(`RunningLoudness: rmsAt(${endSample}) is too far behind the stream`);
    let sum = 0;
    let count = 0;
    for (let j = first; j <= last; j++) {
      const m = this.ms[j % this.ms.length] as number;
      if (!Number.isNaN(m)) {
        sum += m;
        count++;
      }
    }
    return count === 0 ? this.floorRms : Math.max(this.floorRms, Math.sqrt(sum / count));
  }

  /** Forgets the history (restart of the sample clock). */
  reset(): void {
    this.pushed = 0;
    this.acc = 0;
    this.ms.fill(0);
  }
}

/**
 * Divides `window` in place by `rms` the way rmsNormalize divides a track (x / r per sample, a
 * silent level gives zeros), so a "fixed" level equal to the track RMS reproduces the offline input.
 */
export function applyLevel(window: Float32Array, rms: number): Float32Array {
  if (!Number.isFinite(rms)) throw new RangeError(`applyLevel: rms must be finite, got ${rms}`);
  if (rms < RMS_SILENCE_THRESHOLD) return window.fill(0);
  for (let i = 0; i < window.length; i++) window[i] = (window[i] as number) / rms;
  return window;
}

/** A per-window level source for one channel: answers the RMS to divide a window ending at e by. */
export interface LevelTracker {
  push(samples: ArrayLike<number>): void;
  rmsAt(endSample: number): number;
  reset(): void;
}

/** Builds the tracker for a normalisation mode ("none" divides by 1). */
export function createLevelTracker(mode: LevelNormalization, sampleRateHz: number): LevelTracker {
  if (mode.kind === "running") return new RunningLoudness(sampleRateHz, mode);
  const r = mode.kind === "fixed" ? mode.rms : 1;
  if (mode.kind === "fixed" && !(r >= 0 && Number.isFinite(r))) throw new RangeError(`Expected a fixed rms >= 0, got ${r}`);
  return { push: () => undefined, rmsAt: () => r, reset: () => undefined };
}
