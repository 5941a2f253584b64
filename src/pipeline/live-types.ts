/**
 * What a live run is given (LiveOptions) and what it reports when it ends (LiveSummary); the
 * pipeline itself is live.ts.
 */
import type { LevelNormalization } from "../audio/live-loudness.js";
import type { AudioSource } from "../audio/source.js";
import type { ChannelMode } from "../audio/windower.js";
import type { PostConfig } from "../config/post-config.js";
import type { MelParams } from "../features/params.js";
import type { LatencySummary, PipelineStatus, SinkCounters } from "../frame.js";
import type { Sink } from "../sinks/sink.js";
import type { ScorerSpec } from "./mel-scorer.js";

/** Options for {@link LivePipeline.create}. */
export interface LiveOptions {
  readonly source: AudioSource;
  readonly scorer: ScorerSpec;
  /** Sinks from the start; more can be attached before start(). */
  readonly sinks?: readonly Sink[];
  /** Hop between windows, seconds. Default DEFAULT_HOP_SEC.live (0.25). */
  readonly hopSec?: number;
  /** Default: mix of all channels. */
  readonly channelMode?: ChannelMode;
  /** Default: running RMS (see audio/live-loudness.ts). */
  readonly normalization?: LevelNormalization;
  /** Smoothing, hysteresis, thresholds, mutes, rules. Default DEFAULT_POST_CONFIG. */
  readonly post?: PostConfig;
  /** "drop" (default) or "wait"; see the file comment. */
  readonly overflow?: "drop" | "wait";
  /** Windows queued for the scorer before dropping/waiting. Default 16. */
  readonly maxPendingWindows?: number;
  /** Windows per scorer call at most. Default 16. */
  readonly maxBatch?: number;
  /** Status period, ms. Default 1000. */
  readonly statusIntervalMs?: number;
  /** Called with every status (after it went to the sinks). */
  readonly onStatus?: (s: PipelineStatus) => void;
  /** Recording on/off (WS/OSC "record"); absent = no recorder, the command is an error. */
  readonly onRecord?: (on: boolean) => void;
  /** Score only windows 0 .. n-1 (per lane), then stop by itself (tests, benchmarks). */
  readonly stopAfterWindows?: number;
  /**
   * Score only windows that end within the first n samples of the analysis clock, then stop
   * (`--duration`): unlike a window count, this stays right when the hop changes during the run.
   */
  readonly stopAfterSamples?: number;
  /** Fanout queue per sink. Default 256. */
  readonly sinkQueue?: number;
  readonly params?: MelParams;
}

/** Totals of a finished run. */
export interface LiveSummary {
  readonly windowsScored: number;
  readonly droppedWindows: number;
  readonly frames: number;
  readonly xruns: number;
  readonly latencyMs: LatencySummary;
  readonly sinks: readonly SinkCounters[];
}
