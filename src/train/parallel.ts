/**
 * Data-parallel training over worker threads (synchronous SGD, as Goyal et al. 2017 describe it):
 * each worker holds a replica of the model and optimiser in its own tfjs instance. A batch is cut
 * into one contiguous slice per worker; every worker returns the gradients of its slice, the main
 * thread averages them weighted by slice size (= the gradient of the whole batch's mean loss) and
 * sends the average back; every worker applies the same update, so replicas stay bit-identical.
 *
 * Batch norm sees each slice's statistics ("ghost batch norm", Hoffer et al. 2017) and the moving
 * statistics are averaged over workers after each step, so N workers do not give bit-identical
 * results to 1 worker; runs with the same N are deterministic (and resumable).
 *
 * Why threads: tfjs-backend-wasm has no threads in Node 20 (one core per instance).
 */
import type { Worker } from "node:worker_threads";
import type * as tf from "@tensorflow/tfjs";
import { currentBackend } from "../model/backend.js";
import { serializeModel } from "../model/save.js";
import { siblingModule } from "../pipeline/dev-ts-loader.js";
import { startWorkerThread } from "../pipeline/worker-thread.js";
import type { StepEngine } from "./engine.js";
import type { Recipe } from "./recipe.js";
import type { Batch } from "./step.js";

/** Data the worker starts with. */
export interface ParallelWorkerInit {
  readonly index: number;
  readonly backend: string;
  readonly modelJson: Record<string, unknown>;
  readonly weights: Uint8Array;
  readonly recipe: Pick<Recipe, "optimizer" | "learningRate" | "momentum">;
  readonly restore: { readonly slots: Float32Array[]; readonly iterations: number } | null;
}

/** Main -> worker. */
export type ToParallelWorker =
  | { type: "grads"; x: Float32Array; y: Float32Array; n: number; step: number; stream: number }
  | { type: "apply"; grads: Float32Array[]; nonTrainable: Float32Array[] }
  | { type: "weights" }
  | { type: "optimizer" };

/** Worker -> main. */
export type FromParallelWorker =
  | { type: "ready" }
  | { type: "grads"; loss: number; grads: Float32Array[]; nonTrainable: Float32Array[] }
  | { type: "weights"; weights: Float32Array[] }
  | { type: "optimizer"; slots: Float32Array[]; iterations: number }
  | { type: "error"; message: string };

/** The parallel engine. */
export class ParallelEngine implements StepEngine {
  private readonly waiting: Array<Array<(m: FromParallelWorker) => void>>;
  private failure: Error | undefined;

  private constructor(
    private readonly model: tf.LayersModel,
    private readonly pool: Worker[],
  ) {
    this.waiting = pool.map(() => []);
    pool.forEach((w, i) => {
      w.on("message", (m: FromParallelWorker) => {
        if (m.type === "error") this.failure = new Error(`training worker ${i}: ${m.message}`);
        this.waiting[i]?.shift()?.(m);
      });
      w.on("error", (err) => {
        this.failure = err;
        for (const f of this.waiting[i]?.splice(0) ?? []) f({ type: "error", message: err.message });
      });
    });
  }

  get workers(): number {
    return this.pool.length;
  }

  /** Starts `workers` threads holding copies of `model` (and of the optimiser state, when resuming). */
  static async create(
    model: tf.LayersModel,
    recipe: Pick<Recipe, "optimizer" | "learningRate" | "momentum">,
    workers: number,
    restore: { slots: Float32Array[]; iterations: number } | undefined,
  ): Promise<ParallelEngine> {
    const { modelJson, weights } = await serializeModel(model);
    const backend = currentBackend()?.kind ?? "wasm";
    const url = siblingModule(import.meta.url, "./parallel-worker");
    const pool = Array.from({ length: workers }, (_, index) => {
      const init: ParallelWorkerInit = {
        index,
        backend,
        modelJson,
        weights,
        recipe: { optimizer: recipe.optimizer, learningRate: recipe.learningRate, momentum: recipe.momentum },
        restore: restore ?? null,
      };
      return startWorkerThread(url, init);
    });
    const engine = new ParallelEngine(model, pool);
    await Promise.all(pool.map(async (_, i) => engine.expect(i, "ready")));
    return engine;
  }

  private expect<T extends FromParallelWorker["type"]>(i: number, type: T): Promise<Extract<FromParallelWorker, { type: T }>> {
    return new Promise((resolve, reject) => {
      if (this.failure !== undefined) {
        reject(this.failure);
        return;
      }
      this.waiting[i]?.push((m) => {
        if (m.type === type) resolve(m as Extract<FromParallelWorker, { type: T }>);
        else
          reject(
            m.type === "error"
              ? new Error(`training worker ${i}: ${m.message}`)
              : new Error(`training worker ${i}: expected ${type}, got ${m.type}`),
          );
      });
    });
  }

  private send(i: number, msg: ToParallelWorker, transfer: ArrayBuffer[] = []): void {
    (this.pool[i] as Worker).postMessage(msg, transfer);
  }

  async step(batch: Batch, globalStep: number): Promise<number> {
    const k = this.pool.length;
    const sizes = Array.from({ length: k }, (_, i) => Math.floor(batch.n / k) + (i < batch.n % k ? 1 : 0));
    const windowSize = this.windowSize();
    const nClasses = this.nClasses();
    const replies: Array<Promise<Extract<FromParallelWorker, { type: "grads" }>>> = [];
    let start = 0;
    sizes.forEach((n, i) => {
      const x = batch.x.slice(start * windowSize, (start + n) * windowSize);
      const y = batch.y.slice(start * nClasses, (start + n) * nClasses);
      start += n;
      replies.push(this.expect(i, "grads"));
      this.send(i, { type: "grads", x, y, n, step: globalStep, stream: i }, [x.buffer, y.buffer]);
    });
    const got = await Promise.all(replies);
    const active = got.map((g, i) => ({ g, w: (sizes[i] as number) / batch.n })).filter((e) => e.w > 0);
    const average = (pick: (g: Extract<FromParallelWorker, { type: "grads" }>) => Float32Array[]): Float32Array[] =>
      pick((active[0] as (typeof active)[number]).g).map((first, j) => {
        const out = new Float32Array(first.length);
        for (const { g, w } of active) {
          const src = pick(g)[j] as Float32Array;
          for (let t = 0; t < out.length; t++) out[t] = (out[t] as number) + w * (src[t] as number);
        }
        return out;
      });
    const grads = average((g) => g.grads);
    const nonTrainable = average((g) => g.nonTrainable);
    this.pool.forEach((_, i) => this.send(i, { type: "apply", grads, nonTrainable }));
    return active.reduce((a, { g, w }) => a + w * g.loss, 0);
  }

  private windowSize(): number {
    const s = this.model.inputs[0]?.shape ?? [];
    return (s[1] ?? 0) * (s[2] ?? 0);
  }

  private nClasses(): number {
    return this.model.outputs[0]?.shape[1] ?? 0;
  }

  async sync(): Promise<void> {
    const reply = this.expect(0, "weights");
    this.send(0, { type: "weights" });
    const { weights } = await reply;
    const { tensor } = await import("@tensorflow/tfjs");
    const current = this.model.getWeights();
    const next = weights.map((w, i) => tensor(w, (current[i] as tf.Tensor).shape));
    this.model.setWeights(next);
    for (const t of next) t.dispose();
  }

  async optimizerState(): Promise<{ slots: Float32Array[]; iterations: number }> {
    const reply = this.expect(0, "optimizer");
    this.send(0, { type: "optimizer" });
    const { slots, iterations } = await reply;
    return { slots, iterations };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.pool.map(async (w) => w.terminate()));
  }
}
