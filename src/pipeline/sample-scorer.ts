/**
 * Scoring level-normalised window samples: the mel front-end plus a MelScorer. The offline pipeline
 * takes any {@link SampleScorer}: a WorkerPool (mel and model in worker threads), or a MelScorer
 * wrapped by {@link melInProcess} (tests, small jobs).
 */
import { melWindowDb } from "../features/mel.js";
import { framesPerWindow } from "../features/params.js";
import type { MelParams } from "../features/params.js";
import type { MelScorer } from "./mel-scorer.js";

/** Scores batches of raw (level-normalised) 1 s windows. */
export interface SampleScorer {
  readonly labels: readonly string[];
  readonly thresholds: ArrayLike<number>;
  readonly modelId: string;
  /**
   * Scores n windows of params.windowSamples samples each, row-major. The array may be
   * transferred to a worker: callers must not use it afterwards.
   * @returns n x labels.length scores
   */
  scoreSamples(samples: Float32Array, n: number): Promise<Float32Array>;
}

/** True when `s` takes samples (a SampleScorer) rather than mel spectrograms. */
export function isSampleScorer(s: MelScorer | SampleScorer): s is SampleScorer {
  return "scoreSamples" in s;
}

/** A MelScorer as a SampleScorer: the mel front-end runs here, in the calling thread, then the scorer. */
export function melInProcess(scorer: MelScorer, p: MelParams): SampleScorer {
  const melSize = p.nMels * framesPerWindow(p);
  return {
    labels: scorer.labels,
    thresholds: scorer.thresholds,
    modelId: scorer.modelId,
    scoreSamples(samples, n) {
      const mel = new Float32Array(n * melSize);
      for (let j = 0; j < n; j++) {
        melWindowDb(samples.subarray(j * p.windowSamples, (j + 1) * p.windowSamples), 0, p, mel.subarray(j * melSize, (j + 1) * melSize));
      }
      return scorer.scoreMel(mel, n);
    },
  };
}
