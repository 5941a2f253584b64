/**
 * Progress of long library work (training epochs, feature caching, corpus rendering), reported by
 * callback: library code takes a {@link ProgressFactory} and never draws anything itself. The CLI
 * passes its terminal progress bar (src/cli/progress.ts's progressBar); other callers (tests,
 * scripts) pass nothing and get no reports.
 */

/** One unit of long work in progress. */
export interface Progress {
  /** Advances by `n` units (default 1), optionally updating the text shown after the bar. */
  tick(n?: number, note?: string): void;
  /** Ends the work; `summary` is a one-line result (e.g. "epoch 3: train loss 0.21"). */
  done(summary?: string): void;
}

/**
 * Starts reporting on a piece of work.
 * @param label  what is being done, e.g. "epoch 3/20"
 * @param total  units to do
 * @param unit   what a unit is, e.g. "batches"
 */
export type ProgressFactory = (label: string, total: number, unit: string) => Progress;
