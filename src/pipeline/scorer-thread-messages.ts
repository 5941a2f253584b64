/**
 * Messages between a ScorerThread (scorer-thread.ts, main thread) and its worker thread
 * (scorer-thread-entry.ts). The worker computes the mel front-end AND runs the model, so the main thread (capture,
 * resampling, post-processing, sinks) is never blocked by either.
 */
import type { MelParams } from "../features/params.js";
import type { ScorerSpec } from "./mel-scorer.js";

/** Passed as workerData. */
export interface WorkerInit {
  readonly spec: ScorerSpec;
  readonly params: MelParams;
}

/** Main -> worker. */
export type ToWorker =
  /** Score n windows of params.windowSamples normalised samples each (transferred). */
  { readonly type: "score"; readonly id: number; readonly samples: Float32Array; readonly n: number } | { readonly type: "close" };

/** Worker -> main. */
export type FromWorker =
  | {
      readonly type: "ready";
      readonly labels: string[];
      readonly thresholds: number[];
      readonly modelId: string;
      readonly engine: string | null;
      readonly numTensors: number | null;
    }
  | {
      readonly type: "scores";
      readonly id: number;
      readonly scores: Float32Array;
      /** Time spent on mel / on the model, ms. */
      readonly melMs: number;
      readonly scoreMs: number;
      readonly numTensors: number | null;
    }
  | { readonly type: "error"; readonly id: number | null; readonly message: string }
  | { readonly type: "closed" };
