/**
 * Training throughput on random batches (no data needed): builds the architecture, runs one
 * warm-up step and `steps` timed steps through the same engine `train` uses (in-process or
 * data-parallel workers), and reports windows per second.
 */
import { buildModel, paperSpec } from "../model/architectures/index.js";
import type { ArchitectureName } from "../model/architectures/spec.js";
import { initBackend } from "../model/backend.js";
import type { BackendRequest } from "../model/backend.js";
import { modelStats } from "../model/stats.js";
import { LocalEngine } from "./engine.js";
import type { StepEngine } from "./engine.js";
import type { Recipe } from "./recipe.js";
import { mulberry32 } from "./rng.js";

/** Options of {@link benchmarkTraining}. */
export interface BenchmarkOptions {
  readonly arch: ArchitectureName;
  readonly widthScale?: number;
  readonly recipe: Recipe;
  /** Timed steps (after one warm-up step). */
  readonly steps: number;
  readonly workers?: number;
  readonly backend?: BackendRequest;
  readonly seed?: number;
}

/** What was measured. */
export interface BenchmarkResult {
  readonly backend: string;
  readonly samplesPerSec: number;
  readonly msPerStep: number;
  readonly params: number;
  readonly flopsPerWindow: number;
}

/** Measures training throughput; see the module comment. */
export async function benchmarkTraining(o: BenchmarkOptions): Promise<BenchmarkResult> {
  const backend = await initBackend(o.backend ?? "auto");
  const spec = paperSpec(o.arch, { widthScale: o.widthScale ?? 1 });
  const model = buildModel(spec, o.seed ?? 1);
  const stats = modelStats(model);
  const B = o.recipe.batchSize;
  const rng = mulberry32(o.seed ?? 1);
  const per = spec.inputShape[0] * spec.inputShape[1];
  // Mel dB values live in about [-80, 20]; labels ~25 % active.
  const x = Float32Array.from({ length: B * per }, () => -80 + 100 * rng());
  const y = Float32Array.from({ length: B * spec.nClasses }, () => (rng() < 0.25 ? 1 : 0));
  const workers = o.workers ?? 1;
  let engine: StepEngine;
  if (workers === 1) engine = new LocalEngine(model, o.recipe);
  else {
    const { ParallelEngine } = await import("./parallel.js");
    engine = await ParallelEngine.create(model, o.recipe, workers, undefined);
  }
  try {
    await engine.step({ x, y, n: B }, 0);
    const t0 = performance.now();
    for (let s = 1; s <= o.steps; s++) await engine.step({ x, y, n: B }, s);
    const ms = (performance.now() - t0) / o.steps;
    return {
      backend: backend.description,
      samplesPerSec: (B / ms) * 1000,
      msPerStep: ms,
      params: stats.params,
      flopsPerWindow: stats.flopsPerWindow,
    };
  } finally {
    await engine.dispose();
    model.dispose();
  }
}
