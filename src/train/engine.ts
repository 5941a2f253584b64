/**
 * Where training steps run. The trainer talks to a {@link StepEngine}; the in-process engine here
 * holds the model and optimiser on the main thread, the parallel engine (parallel.ts) splits each
 * batch over worker threads, each with its own tfjs-wasm instance (Node's wasm has one thread per
 * instance, so this is how a second core is used).
 */
import type * as tf from "@tensorflow/tfjs";
import { createOptimizer } from "./optimizer.js";
import type { Optimizer } from "./optimizer.js";
import type { Recipe } from "./recipe.js";
import { trainStep, trainableVariables } from "./step.js";
import type { Batch } from "./step.js";

/** Runs training steps on a model whose current weights the trainer can read after `sync`. */
export interface StepEngine {
  /** Number of worker threads (1 = in-process). */
  readonly workers: number;
  /** One optimiser step on `batch`; `globalStep` seeds dropout. Resolves to the batch loss. */
  step(batch: Batch, globalStep: number): Promise<number>;
  /** Makes the trainer's model hold the current weights (no-op in-process). */
  sync(): Promise<void>;
  /** Optimiser slots and step count, for checkpoints. */
  optimizerState(): Promise<{ slots: Float32Array[]; iterations: number }>;
  dispose(): Promise<void>;
}

/** In-process training on the current tfjs backend. */
export class LocalEngine implements StepEngine {
  readonly workers = 1;
  private readonly optimizer: Optimizer;
  private readonly vars: tf.Variable[];

  constructor(
    private readonly model: tf.LayersModel,
    recipe: Pick<Recipe, "optimizer" | "learningRate" | "momentum">,
    restore?: { slots: readonly Float32Array[]; iterations: number },
  ) {
    this.vars = trainableVariables(model);
    this.optimizer = createOptimizer(recipe, this.vars);
    if (restore !== undefined) this.optimizer.setState(restore.slots, restore.iterations);
  }

  step(batch: Batch, globalStep: number): Promise<number> {
    return Promise.resolve(trainStep(this.model, this.vars, this.optimizer, batch, globalStep));
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }

  optimizerState(): Promise<{ slots: Float32Array[]; iterations: number }> {
    return Promise.resolve({ slots: this.optimizer.getState(), iterations: this.optimizer.iterations });
  }

  dispose(): Promise<void> {
    this.optimizer.dispose();
    return Promise.resolve();
  }
}
