/**
 * The windowing core that live and offline share: mono lanes at the analysis rate -> ring buffer
 * -> 1 s windows every hop -> level normalisation. The live Windower puts channel selection,
 * downmix and streaming resampling in front of it; the offline pipeline feeds it the decoded,
 * resampled file directly. Both therefore cut and level windows with this one object (as madmom's
 * online and offline modes share one FramedSignal), not with two copies that a test keeps in line.
 *
 * Samples are written in pieces of at most PIECE, and the windows that a piece completes are cut
 * before the next is written, so the ring stays small (window + longest hop + PIECE) whatever the
 * size of the input chunks, and the level tracker has always seen exactly as much of the stream,
 * whichever way the stream was chunked.
 *
 * Time: window k starts at analysis sample windowStartSample(k) (round(k * hopSec * rateHz)) until
 * the hop changes; after setHop, windows follow every new hop from where the next one would have
 * started.
 */
import { applyLevel, createLevelTracker } from "./live-loudness.js";
import type { LevelNormalization, LevelTracker } from "./live-loudness.js";
import { SampleRing } from "./ring-buffer.js";
import { checkHopSec } from "../config/hop.js";
import { DEFAULT_MEL_PARAMS } from "../features/params.js";
import type { MelParams } from "../features/params.js";

/** Largest piece written to the rings between window extractions (bounds the ring size). */
const PIECE = 4096;

/** Start of window k, analysis samples: round(k * hopSec * rateHz). */
export function windowStartSample(k: number, hopSec: number, rateHz: number): number {
  // The tiny epsilon keeps exact halves (0.25 s at 22050 Hz = 5512.5) rounding up despite float error.
  return Math.floor(k * hopSec * rateHz + 0.5 + 1e-9);
}

/** Options for {@link WindowCutter}. */
export interface WindowCutterOptions {
  /** Hop between window starts, seconds, in (0, window length] (see src/config/hop.ts). */
  readonly hopSec: number;
  /** Level normalisation per window and lane. */
  readonly normalization: LevelNormalization;
  /** Independent lanes cut on one schedule (1 for a mix). Default 1. */
  readonly lanes?: number;
  /** Front-end params: analysis rate and window length come from here. Default DEFAULT_MEL_PARAMS. */
  readonly params?: MelParams;
}

/** One level-normalised window of one lane. */
export interface CutWindow {
  /** Lane index, 0-based. */
  readonly lane: number;
  /** Window number k since the stream started. */
  readonly index: number;
  /** First sample of the window on the analysis sample clock. */
  readonly startSample: number;
  /** The window's samples after level normalisation, params.windowSamples long. */
  readonly samples: Float32Array;
  /** The RMS the window was divided by. */
  readonly levelRms: number;
}

interface Lane {
  readonly ring: SampleRing;
  readonly level: LevelTracker;
}

/** Cuts equal-length lanes of analysis-rate samples into windows on one schedule; pure apart from its state. */
export class WindowCutter {
  /** Analysis rate, Hz. */
  readonly rateHz: number;
  /** Window length, analysis samples. */
  readonly windowSamples: number;
  private readonly params: MelParams;
  private readonly lanes: Lane[];
  private hop: number;
  private nextIndex = 0;
  /** Window `baseIndex` starts at `baseStart`; later ones follow every `hop` (a hop change moves the base). */
  private baseIndex = 0;
  private baseStart = 0;

  /** @throws RangeError for a hop outside (0, window length] or a lane count under 1 */
  constructor(opts: WindowCutterOptions) {
    const p = opts.params ?? DEFAULT_MEL_PARAMS;
    this.params = p;
    this.rateHz = p.sampleRateHz;
    this.windowSamples = p.windowSamples;
    this.hop = checkHopSec(opts.hopSec, p);
    const lanes = opts.lanes ?? 1;
    if (!Number.isInteger(lanes) || lanes < 1) throw new RangeError(`Expected at least one lane, got ${lanes}`);
    // Room for the longest hop (one window), so a hop change never outruns the ring.
    this.lanes = Array.from({ length: lanes }, () => ({
      ring: new SampleRing(2 * this.windowSamples + PIECE),
      level: createLevelTracker(opts.normalization, this.rateHz),
    }));
  }

  /** Current hop between window starts, seconds. */
  get hopSec(): number {
    return this.hop;
  }

  /** Number of lanes. */
  get laneCount(): number {
    return this.lanes.length;
  }

  /** First sample of the next window to be cut, analysis samples. */
  get nextStartSample(): number {
    return this.startOf(this.nextIndex);
  }

  /**
   * Changes the hop from the next window on: the next window starts where the old hop put it,
   * the ones after follow every `hopSec`.
   * @throws RangeError for a hop outside (0, window length]
   */
  setHop(hopSec: number): void {
    const h = checkHopSec(hopSec, this.params);
    this.baseStart = this.startOf(this.nextIndex);
    this.baseIndex = this.nextIndex;
    this.hop = h;
  }

  /**
   * Appends samples to every lane (one array per lane, all the same length) and returns the
   * windows they completed, in (index, lane) order.
   */
  push(perLane: readonly (Float32Array | Float64Array)[]): CutWindow[] {
    if (perLane.length !== this.lanes.length)
      throw new RangeError(`WindowCutter: ${perLane.length} lanes pushed, expected ${this.lanes.length}`);
    const n = perLane[0]?.length ?? 0;
    if (perLane.some((x) => x.length !== n)) throw new RangeError("WindowCutter: lanes of different lengths pushed");
    const windows: CutWindow[] = [];
    for (let off = 0; off < n; off += PIECE) {
      const end = Math.min(n, off + PIECE);
      this.lanes.forEach((lane, i) => {
        const x = perLane[i] as Float32Array | Float64Array;
        // float64 (the resampler's output) -> float32 once, as loadMono stores the resampled track.
        const piece = x instanceof Float32Array ? x.subarray(off, end) : new Float32Array(x.subarray(off, end));
        lane.ring.write(piece);
        lane.level.push(piece);
      });
      this.cut(windows);
    }
    return windows;
  }

  /** Start of window k, analysis samples. */
  private startOf(k: number): number {
    return this.baseStart + windowStartSample(k - this.baseIndex, this.hop, this.rateHz);
  }

  private cut(into: CutWindow[]): void {
    const written = (this.lanes[0] as Lane).ring.writeIndex;
    for (;;) {
      const start = this.startOf(this.nextIndex);
      const end = start + this.windowSamples;
      if (end > written) return;
      this.lanes.forEach((lane, laneIndex) => {
        const samples = lane.ring.read(start, new Float32Array(this.windowSamples));
        const levelRms = lane.level.rmsAt(end);
        applyLevel(samples, levelRms);
        into.push({ lane: laneIndex, index: this.nextIndex, startSample: start, samples, levelRms });
      });
      this.nextIndex++;
    }
  }
}
