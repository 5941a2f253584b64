/**
 * From source chunks to model windows: channel select / downmix -> streaming resample to the
 * analysis rate -> ring buffer -> 1 s windows every hop -> level normalisation.
 *
 * Every step reproduces the offline path bit for bit when fed the same file in any chunking:
 * downmix is src/audio/downmix.ts's channel mean, the resampler is StreamingResampler (chunked
 * output == whole-buffer output), and ring, window schedule and level are the WindowCutter that
 * pipeline/offline.ts drives too (window-cutter.ts).
 *
 * Time: window k of a stream starts at analysis sample windowStartSample(k) (the sample clock, at
 * params.sampleRateHz) until the hop changes; its captureTimeMs is the wall-clock time its LAST sample was captured,
 * interpolated from the chunk that carried it (chunk times are stamped at the chunk's last frame).
 */
import { downmixToMono } from "./downmix.js";
import { DEFAULT_LIVE_NORMALIZATION } from "./live-loudness.js";
import type { LevelNormalization } from "./live-loudness.js";
import { StreamingResampler } from "./resample.js";
import type { ResampleOptions } from "./resample.js";
import type { AudioChunk } from "./source.js";
import { WindowCutter } from "./window-cutter.js";
import type { CutWindow } from "./window-cutter.js";
import { DEFAULT_HOP_SEC } from "../config/hop.js";
import { DEFAULT_MEL_PARAMS } from "../features/params.js";
import type { MelParams } from "../features/params.js";

/** At most this many channels are analysed independently (--per-channel). */
export const MAX_PER_CHANNEL = 8;

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
  /** Hop between window starts, seconds, in (0, window length]. Default DEFAULT_HOP_SEC.live (0.25); 1 = the paper's windows. */
  readonly hopSec?: number;
  /** Front-end params: analysis rate and window length come from here. Default DEFAULT_MEL_PARAMS. */
  readonly params?: MelParams;
  /** Level normalisation per window. Default running RMS (DEFAULT_LIVE_NORMALIZATION). */
  readonly normalization?: LevelNormalization;
  /** Resampler settings (default "hq" filter, as loadMono uses). */
  readonly resample?: ResampleOptions;
}

/** One model window of one analysed channel (or of the mix): a cut window with its channel and capture time. */
export interface AudioWindow extends CutWindow {
  /** 0-based input channel in per-channel mode, null for the mix. */
  readonly channel: number | null;
  /** Wall-clock time the window's last sample was captured, epoch ms. */
  readonly captureTimeMs: number;
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
}

/** Chunk boundary on the input clock: the frame after the chunk and its capture time. */
interface Anchor {
  readonly endFrame: number;
  readonly timeMs: number;
}

/** Turns a chunk stream into model windows; pure apart from its own state. */
export class Windower {
  /** Analysis rate, Hz. */
  readonly rateHz: number;
  /** Window length, analysis samples. */
  readonly windowSamples: number;
  readonly inputRateHz: number;
  /** The analysed lanes' input channels (0-based). */
  readonly channels: readonly number[];
  readonly mode: ChannelMode["kind"];
  private readonly lanes: Lane[];
  /** Ring, level and window schedule: the core the offline pipeline uses too. */
  private readonly cutter: WindowCutter;
  private readonly anchors: Anchor[] = [];
  private inputFrames = 0;
  private ended = false;

  constructor(opts: WindowerOptions) {
    const p = opts.params ?? DEFAULT_MEL_PARAMS;
    this.rateHz = p.sampleRateHz;
    this.windowSamples = p.windowSamples;
    this.inputRateHz = opts.inputRateHz;
    const mode = opts.channelMode ?? { kind: "mix" };
    this.mode = mode.kind;
    this.channels = resolveChannels(mode, opts.inputChannels);
    const groups = mode.kind === "mix" ? [this.channels] : this.channels.map((c) => [c]);
    this.lanes = groups.map((g) => ({
      inputChannels: g,
      channel: mode.kind === "mix" ? null : (g[0] as number),
      resampler: new StreamingResampler(opts.inputRateHz, this.rateHz, opts.resample),
    }));
    this.cutter = new WindowCutter({
      params: p,
      lanes: this.lanes.length,
      hopSec: opts.hopSec ?? DEFAULT_HOP_SEC.live,
      normalization: opts.normalization ?? DEFAULT_LIVE_NORMALIZATION,
    });
  }

  /** Current hop between window starts, seconds. */
  get hopSec(): number {
    return this.cutter.hopSec;
  }

  /**
   * Changes the hop from the next window on: the next window starts where the old hop put it,
   * the ones after follow every `hopSec`. Without a change, window k starts at windowStartSample(k).
   * @throws RangeError for a hop outside (0, window length]
   */
  setHop(hopSec: number): void {
    this.cutter.setHop(hopSec);
  }

  /** Number of independent analyses (1 for the mix). */
  get laneCount(): number {
    return this.lanes.length;
  }

  /** Feeds one chunk; returns the windows it completed, in (index, lane) order. */
  push(chunk: AudioChunk): AudioWindow[] {
    if (this.ended) throw new Error("Windower: push after flush");
    if (chunk.sampleRateHz !== this.inputRateHz)
      throw new RangeError(`Windower: chunk at ${chunk.sampleRateHz} Hz, expected ${this.inputRateHz} Hz`);
    this.inputFrames += chunk.frames;
    this.anchors.push({ endFrame: this.inputFrames, timeMs: chunk.captureTimeMs });
    return this.feed(this.lanes.map((lane) => lane.resampler.push(this.laneInput(lane, chunk))));
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

  /** Cuts the resampled output (equal length in every lane) and stamps each window's lane and capture time. */
  private feed(outs: Float64Array[]): AudioWindow[] {
    let timed = { index: -1, captureTimeMs: Number.NaN };
    const windows = this.cutter.push(outs).map((w): AudioWindow => {
      if (timed.index !== w.index) timed = { index: w.index, captureTimeMs: this.captureTimeOf(w.startSample + this.windowSamples - 1) };
      return { ...w, channel: (this.lanes[w.lane] as Lane).channel, captureTimeMs: timed.captureTimeMs };
    });
    this.pruneAnchors();
    return windows;
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
    const nextEnd = this.cutter.nextStartSample + this.windowSamples - 1;
    const f = (nextEnd * this.inputRateHz) / this.rateHz;
    while (this.anchors.length > 1 && (this.anchors[0] as Anchor).endFrame <= f) this.anchors.shift();
  }
}
