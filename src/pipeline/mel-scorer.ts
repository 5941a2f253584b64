/**
 * What the pipeline needs from a model: a structural interface, so the live and offline pipelines
 * do not depend on src/model (the Classifier satisfies it through a small adapter) and tests can
 * use a deterministic stand-in. A {@link MelScorer} takes mel spectrograms; the mel front-end in
 * front of it turns it into a SampleScorer (sample-scorer.ts) or a ScorerThread (scorer-thread.ts).
 *
 * The pipelines score in worker threads, so a scorer is described by a {@link ScorerSpec} (a
 * module path + plain options, loadable inside the worker) rather than by a closure.
 */
import { pathToFileURL } from "node:url";
import { UserError } from "../errors.js";

/** Scores the mel spectrograms of model windows. */
export interface MelScorer {
  /** Output labels in score order (class ids or MedleyDB labels). */
  readonly labels: readonly string[];
  /** Per-class decision thresholds in [0, 1], labels.length long. */
  readonly thresholds: ArrayLike<number>;
  /** Identifies the model (e.g. "cnn-2024-05-01-ab12"); reported in hello and in logs. */
  readonly modelId: string;
  /** Optional: what runs the network, e.g. "onnxruntime 1.30.0 (cpu, 1 thread)" or "wasm (SIMD, 1 thread)". */
  readonly engine?: string;
  /**
   * Scores n windows' mel spectrograms.
   * @param mel n x nMels x nFrames mel dB values (96 x 87 per window by default), row-major,
   *            each window [nMels][nFrames] as melWindowDb returns it
   * @param n   number of windows
   * @returns n x labels.length scores in [0, 1], row-major
   */
  scoreMel(mel: Float32Array, n: number): Promise<Float32Array>;
  /** Optional health figure: live tensors (tfjs `tf.memory().numTensors`). */
  numTensors?(): number;
  /** Optional: release resources. */
  dispose?(): void | Promise<void>;
}

/**
 * How to build a scorer anywhere (main thread or worker): `import(module)[exportName](options)`.
 * The export must return a MelScorer or a promise of one.
 */
export interface ScorerSpec {
  /** Module URL (file:...) or absolute path. */
  readonly module: string;
  /** Name of the factory export. Default "createScorer". */
  readonly exportName?: string;
  /** Options passed to the factory; must survive structured cloning (plain data). */
  readonly options?: unknown;
}

/** A factory a scorer module exports. */
export type ScorerFactory = (options: unknown) => MelScorer | Promise<MelScorer>;

/**
 * Checks a scorer's shape: labels non-empty, thresholds as many as labels and within [0, 1].
 * @throws UserError describing the first problem
 */
export function checkScorer(s: MelScorer, where = "scorer"): MelScorer {
  if (!Array.isArray(s.labels) || s.labels.length === 0)
    throw new UserError(`${where}: expected a non-empty list of labels, got ${JSON.stringify(s.labels)}`);
  if (s.thresholds.length !== s.labels.length) {
    throw new UserError(`${where}: expected ${s.labels.length} thresholds (one per label), got ${s.thresholds.length}`);
  }
  for (let i = 0; i < s.thresholds.length; i++) {
    const t = s.thresholds[i] as number;
    if (!(t >= 0 && t <= 1)) throw new UserError(`${where}: expected threshold ${i} in [0, 1], got ${t}`);
  }
  if (typeof s.scoreMel !== "function") throw new UserError(`${where}: expected a scoreMel(mel, n) function`);
  return s;
}

/** Imports the spec's module and builds the scorer (in whichever thread calls it). */
export async function loadScorer(spec: ScorerSpec): Promise<MelScorer> {
  const url = spec.module.startsWith("file:") || spec.module.startsWith("data:") ? spec.module : pathToFileURL(spec.module).href;
  const mod = (await import(url)) as Record<string, unknown>;
  const name = spec.exportName ?? "createScorer";
  const factory = mod[name];
  if (typeof factory !== "function") throw new UserError(`scorer module ${spec.module} has no function export "${name}"`);
  return checkScorer(await (factory as ScorerFactory)(spec.options), spec.module);
}

/** Checks a score array returned for n windows. */
export function checkScores(scores: Float32Array, n: number, nLabels: number): Float32Array {
  if (!(scores instanceof Float32Array) || scores.length !== n * nLabels) {
    throw new Error(`scorer returned ${scores?.length ?? "no"} scores for ${n} windows x ${nLabels} labels`);
  }
  return scores;
}
