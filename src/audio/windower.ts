/**
 * From source chunks to model windows: channel select / downmix -> streaming resample to the
 * analysis rate -> ring buffer -> 1 s windows every hop -> level normalisation.
 *
 * Every step reproduces the offline path bit for bit when fed the same file in any chunking:
 * downmix is src/audio/downmix.ts's channel mean, the resampler is StreamingResampler (chunked
 * output == whole-buffer output), window starts come from {@link windowStartSample} (shared with
 * pipeline/offline.ts), and the level is applied per window as described in live-loudness.ts.
 *
 * Time: window k of a stream starts at analysis sample windowStartSample(k) (the sample clock, at
 * params.sampleRateHz); its captureTimeMs is the wall-clock time its LAST sample was captured,
 * interpolated from the chunk that carried it (chunk times are stamped at the chunk's last frame).
 */
import { downmixToMono } from "./downmix.js";
import { applyLevel, createLevelTracker, DEFAULT_LIVE_NORMALIZATION } from "./live-loudness.js";
import type { LevelNormalization, LevelTracker } from "./live-loudness.js";
import { StreamingResampler } from "./resample.js";
import type { ResampleOptions } from "./resample.js";
import { SampleRing } from "./ring-buffer.js";
import type { AudioChunk } from "./source.js";
import { DEFAULT_MEL_PARAMS } from "../features/params.js";
import type { MelParams } from "../features/params.js";

/** At most this many channels are analysed independently (--per-channel). */
export const MAX_PER_CHANNEL = 8;
/** Default hop between window starts, seconds (4 windows per second). */
export const DEFAULT_HOP_SEC = 0.25;

/** Which input channels are analysed, and how. Channel numbers are 0-based. */
export type ChannelMode =
  /** One analysis of the mean of `channels` (default: all input channels), as offline loadMono does. */
  | { readonly kind: "mix"; readonly channels?: readonly number[] }
  /** One independent analysis per listed channel (default: all, at most MAX_PER_CHANNEL). */
  | { readonly kind: "per-channel"; readonly channels?: readonly number[] };

/** Options for {@link Windower}. */
export interface WindowerOptions {
  /** Input sample rate, Hz (positive integer). */
  readonly inputRateHz: number;
  /** Channels per input frame. */
  readonly inputChannels: number;
  /** Default { kind: "mix" } over all channels. */
  readonly channelMode?: ChannelMode;
  /** Hop between window starts, seconds, in (0, window length]. Default 0.25; 1 = the paper's non-overlapping windows. */
  readonly hopSec?: number;
  /** Front-end params: analysis rate and window length come from here. Default DEFAULT_MEL_PARAMS. */
  readonly params?: MelParams;
  /** Level normalisation per window. Default running RMS (DEFAULT_LIVE_NORMALIZATION). */
  readonly normalization?: LevelNormalization;
  /** Resampler settings (default "hq" filter, as loadMono uses). */
  readonly resample?: ResampleOptions;
}

/** One model window of one analysed channel (or of the mix). */
export interface AudioWindow {
  /** Position of this analysis among the lanes: 0 for the mix, i for the i-th listed channel. */
  readonly lane: number;
  /** 0-based input channel in per-channel mode, null for the mix. */
  readonly channel: number | null;
  /** Window number k since the stream started. */
  readonly index: number;
  /** First sample of the window on the analysis sample clock (params.sampleRateHz). */
  readonly startSample: number;
  /** The window's samples after level normalisation, params.windowSamples long. */
  readonly samples: Float32Array;
  /** The RMS the window was divided by. */
  readonly levelRms: number;
  /** Wall-clock time the window's last sample was captured, epoch ms. */
  readonly captureTimeMs: number;
}

/** Start of window k, analysis samples: round(k * hopSec * rateHz). Shared with the offline pipeline. */
export function windowStartSample(k: number, hopSec: number, rateHz: number): number {
  // The tiny epsilon keeps exact halves (0.25 s at 22050 Hz = 5512.5) rounding up despite float error.
  return Math.floor(k * hopSec * rateHz + 0.5 + 1e-9);
}

/** Validates a hop; returns it. */
export function checkHopSec(hopSec: number, p: MelParams = DEFAULT_MEL_PARAMS): number {
  const windowSec = p.windowSamples / p.sampleRateHz;
  if (!(hopSec > 0 && hopSec <= windowSec) || hopSec * p.sampleRateHz < 1) {
    throw new RangeError(`Expected hopSec in (0, ${windowSec}] seconds, got ${hopSec}`);
  }
  return hopSec;
}

/** Resolves a channel mode against the input's channel count: the 0-based channels analysed. */
export function resolveChannels(mode: ChannelMode, inputChannels: number): number[] {
  const all = Array.from({ length: inputChannels }, (_, i) => i);
  const list = mode.channels === undefined ? all : [...mode.channels];
  if (list.length === 0) throw new RangeError("Expected at least one channel, got none");
  for (const c of list) {
    if (!Number.isInteger(c) || c < 0 || c >= inputChannels) {
      throw new RangeError(`Expected channels between 1 and ${inputChannels}, got ${String(c + 1)}`);
    }
  }
  if (new Set(list).size !== list.length) throw new RangeError(`Expected distinct channels, got ${list.map((c) => c + 1).join(",")}`);
  if (mode.kind === "per-channel" && list.length > MAX_PER_CHANNEL) {
    throw new RangeError(`Expected at most ${MAX_PER_CHANNEL} channels in per-channel mode, got ${list.length}`);
  }
  return list;
}

interface Lane {
  readonly inputChannels: readonly number[];
  readonly channel: number | null;
  readonly resampler: StreamingResampler;
  readonly ring: SampleRing;
  readonly level: LevelTracker;
}

/** Chunk boundary on the input clock: the frame after the chunk and its capture time. */
interface Anchor {
  readonly endFrame: number;
  readonly timeMs: number;
}

/** Largest piece written to the rings between window extractions (bounds ring size). */
const PIECE = 4096;

/** Turns a chunk stream into model windows; pure apart from its own state. */
export class Windower {
  /** Analysis rate, Hz. */
  readonly rateHz: number;
  /** Window length, analysis samples. */
  readonly windowSamples: number;
  readonly inputRateHz: number;
  /** The analysed lanes' input channels (0-based; null entries never occur). */
  readonly channels: readonly number[];
  readonly mode: ChannelMode["kind"];
  private readonly lanes: Lane[];
  private readonly anchors: Anchor[] = [];
  private nextIndex = 0;
  private inputFrames = 0;
  private ended = false;
  private hop: number;
  private readonly params: MelParams;
  /** Window `baseIndex` starts at `baseStart`; later ones follow every `hop` (a hop change moves the base). */
  private baseIndex = 0;
  private baseStart = 0;

  constructor(opts: WindowerOptions) {
    const p = opts.params ?? DEFAULT_MEL_PARAMS;
    this.rateHz = p.sampleRateHz;
    this.windowSamples = p.windowSamples;
    this.params = p;
    this.hop = checkHopSec(opts.hopSec ?? DEFAULT_HOP_SEC, p);
    this.inputRateHz = opts.inputRateHz;
    const mode = opts.channelMode ?? { kind: "mix" };
    this.mode = mode.kind;
    this.channels = resolveChannels(mode, opts.inputChannels);
    const groups = mode.kind === "mix" ? [this.channels] : this.channels.map((c) => [c]);
    // Room for the longest hop (one window), so a hop change never outruns the ring.
    const hopSamples = this.windowSamples;
    this.lanes = groups.map((g) => ({
      inputChannels: g,
      channel: mode.kind === "mix" ? null : (g[0] as number),
      resampler: new StreamingResampler(opts.inputRateHz, this.rateHz, opts.resample),
      ring: new SampleRing(this.windowSamples + hopSamples + PIECE),
      level: createLevelTracker(opts.normalization ?? DEFAULT_LIVE_NORMALIZATION, this.rateHz),
    }));
  }

  /** Current hop between window starts, seconds. */
  get hopSec(): number {
    return this.hop;
  }

  /**
   * Changes the hop from the next window on: the next window starts where the old hop put it,
   * the ones after follow every `hopSec`. Without a change, window k starts at windowStartSample(k).
   * @throws RangeError for a hop outside (0, window length]
   */
  setHop(hopSec: number): void {
    const h = checkHopSec(hopSec, this.params);
    this.baseStart = this.startOf(this.nextIndex);
    this.baseIndex = this.nextIndex;
    this.hop = h;
  }

  /** Start of window k, analysis samples. */
  private startOf(k: number): number {
    return this.baseStart + windowStartSample(k - this.baseIndex, this.hop, this.rateHz);
  }

  /** Number of independent analyses (1 for the mix). */
  get laneCount(): number {
    return this.lanes.length;
  }

  /** Feeds one chunk; returns the windows it completed, in (index, lane) order. */
  push(chunk: AudioChunk): AudioWindow[] {
    if (this.ended) throw new Error("Windower: push after flush");
    if (chunk.sampleRateHz !== this.inputRateHz) throw new RangeError(`Windower: chunk at ${chunk.sampleRateHz} Hz, expected ${this.inputRateHz} Hz`);
    this.inputFrames += chunk.frames;
    this.anchors.push({ endFrame: this.inputFrames, timeMs: chunk.captureTimeMs });
    const outs = this.lanes.map((lane) => lane.resampler.push(this.laneInput(lane, chunk)));
    return this.feed(outs);
  }

  /** Ends the stream (the resampler's tail, zeros after the last input); returns the last windows. */
  flush(): AudioWindow[] {
    if (this.ended) return [];
    this.ended = true;
    return this.feed(this.lanes.map((lane) => lane.resampler.flush()));
  }

  /** The lane's mono input for a chunk: the selected channels' mean (downmixToMono), or one channel. */
  private laneInput(lane: Lane, chunk: AudioChunk): Float32Array {
    const planar = lane.inputChannels.map((c) => {
      const x = new Float32Array(chunk.frames);
      for (let i = 0, at = c; i < chunk.frames; i++, at += chunk.channels) x[i] = chunk.data[at] as number;
      return x;
    });
    return planar.length === 1 ? (planar[0] as Float32Array) : downmixToMono(planar);
  }

  /** Writes resampled output (equal length in every lane) piecewise, extracting windows as they complete. */
  private feed(outs: Float64Array[]): AudioWindow[] {
    const n = outs[0]?.length ?? 0;
    const windows: AudioWindow[] = [];
    for (let off = 0; off < n; off += PIECE) {
      this.lanes.forEach((lane, i) => {
        // float64 -> float32 once, as loadMono stores the resampled track.
        const piece = new Float32Array((outs[i] as Float64Array).subarray(off, Math.min(n, off + PIECE)));
        lane.ring.write(piece);
        lane.level.push(piece);
      });
      this.extract(windows);
    }
    this.pruneAnchors();
    return windows;
  }

  private extract(into: AudioWindow[]): void {
    const written = (this.lanes[0] as Lane).ring.writeIndex;
    for (;;) {
      const start = this.startOf(this.nextIndex);
      const end = start + this.windowSamples;
      if (end > written) return;
      const captureTimeMs = this.captureTimeOf(end - 1);
      this.lanes.forEach((lane, laneIndex) => {
        const samples = lane.ring.read(start, new Float32Array(this.windowSamples));
        const levelRms = lane.level.rmsAt(end);
        applyLevel(samples, levelRms);
        into.push({ lane: laneIndex, channel: lane.channel, index: this.nextIndex, startSample: start, samples, levelRms, captureTimeMs });
      });
      this.nextIndex++;
    }
  }

  /** Wall-clock capture time of analysis sample s, from the chunk that carried the matching input frame. */
  private captureTimeOf(s: number): number {
    const f = (s * this.inputRateHz) / this.rateHz;
    const anchor = this.anchors.find((a) => a.endFrame > f) ?? this.anchors[this.anchors.length - 1];
    if (anchor === undefined) return Number.NaN;
    return anchor.timeMs - ((anchor.endFrame - 1 - f) / this.inputRateHz) * 1000;
  }

  /** Drops anchors that lie wholly before the next window's last sample. */
  private pruneAnchors(): void {
    const nextEnd = this.startOf(this.nextIndex) + this.windowSamples - 1;
    const f = (nextEnd * this.inputRateHz) / this.rateHz;
    while (this.anchors.length > 1 && (this.anchors[0] as Anchor).endFrame <= f) this.anchors.shift();
  }
}
