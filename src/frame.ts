/**
 * The contract between the pipelines and the sinks: one session description, then one Frame per
 * analysed window and lane, and periodic status. The pipelines (src/pipeline) produce exactly
 * these and the sinks (src/sinks, bridge/) consume them; this module sits below both.
 */
import type { TriggerEvent } from "./post/triggers.js";

/** Fixed facts about a run; sent first to every sink (WS hello, JSONL header). */
export interface SessionInfo {
  /** Model output labels, in score order. */
  readonly labels: readonly string[];
  /** Canonical class ids for the labels (OSC address parts); the label itself if not one of the 18. */
  readonly classIds: readonly string[];
  readonly modelId: string;
  /** Thresholds in effect at the start. */
  readonly thresholds: readonly number[];
  /** Analysis sample rate (the sample clock of startSample), Hz. */
  readonly sampleRateHz: number;
  /** Source sample rate, Hz. */
  readonly inputRateHz: number;
  /** Hop between windows, seconds. */
  readonly hopSec: number;
  /** Window length, seconds. */
  readonly windowSec: number;
  /** Source name (device or file) and kind. */
  readonly source: { readonly name: string; readonly kind: "device" | "file" | "offline"; readonly channels: number };
  /** Input channel (0-based) of each lane; [null] for the mix. */
  readonly lanes: readonly (number | null)[];
  /** Trigger rule names in config order. */
  readonly rules: readonly string[];
  /** Wall clock when the run started, epoch ms. */
  readonly startedAtMs: number;
}

/** The result for one window of one lane. */
export interface Frame {
  /** Running frame number over all lanes, from 0. */
  readonly seq: number;
  /** Lane index (0 for the mix). */
  readonly lane: number;
  /** 0-based input channel in per-channel mode, null for the mix. */
  readonly channel: number | null;
  /** Window number k. */
  readonly index: number;
  /** First sample of the window on the analysis clock. */
  readonly startSample: number;
  /** The analysis rate, Hz (startSample / sampleRateHz = window start in seconds). */
  readonly sampleRateHz: number;
  /** Wall clock at which the window's last sample was captured, epoch ms (NaN offline). */
  readonly captureTimeMs: number;
  /** RMS the window was divided by (level normalisation). */
  readonly levelRms: number;
  /** Model scores, labels.length. */
  readonly raw: Float32Array;
  /** Scores after ballistics. */
  readonly smoothed: Float32Array;
  /** Active flags after hysteresis and mutes (0/1). */
  readonly active: Uint8Array;
  /** Trigger edges fired on this frame. */
  readonly triggers: readonly TriggerEvent[];
}

/** Latency percentiles, ms. */
export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Number of frames measured. */
  readonly count: number;
}

/** Per-sink delivery counters. */
export interface SinkCounters {
  readonly name: string;
  readonly delivered: number;
  readonly dropped: number;
  readonly queued: number;
}

/** Health of a live run. */
export interface PipelineStatus {
  readonly timeMs: number;
  /** Device or file name. */
  readonly device: string;
  /** Overruns / clock slips the source detected. */
  readonly xruns: number;
  /** Windows dropped because the scorer fell behind (all lanes). */
  readonly droppedWindows: number;
  /** Windows scored so far (all lanes). */
  readonly windowsScored: number;
  /** From a window's last sample captured to its frame handed to the sinks (OSC bundle sent). */
  readonly latencyMs: LatencySummary;
  /** Time per batch in the worker (mel + model), ms, p50. */
  readonly inferenceMsP50: number;
  /** Live tensors in the model backend, when the scorer reports it. */
  readonly numTensors: number | null;
  /** Process CPU use since the last status, percent of one core. */
  readonly cpuPercent: number;
  readonly sinks: readonly SinkCounters[];
}
