/**
 * A data-parallel training worker (see parallel.ts): its own tfjs + backend, a replica of the model
 * and optimiser; computes the gradients of its slice of each batch and applies the averaged update.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { initBackend, parseBackendRequest } from "../model/backend.js";
import "../model/architectures/batch-norm.js";
import "../model/architectures/seeded-dropout.js";
import { createOptimizer } from "./optimizer.js";
import type { FromParallelWorker, ParallelWorkerInit, ToParallelWorker } from "./parallel.js";
import { computeGradients, trainableVariables } from "./step.js";

const init = workerData as ParallelWorkerInit;
const port = parentPort;

function reply(msg: FromParallelWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(msg, transfer);
}

async function start(): Promise<void> {
  await initBackend(parseBackendRequest(init.backend));
  const artifacts = await tf.io.getModelArtifactsForJSON(init.modelJson as unknown as tf.io.ModelJSON, async (manifest) => {
    const specs = manifest.flatMap((g) => g.weights);
    const w = init.weights;
    return Promise.resolve([specs, w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer]);
  });
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const vars = trainableVariables(model);
  const trainable = new Set(vars.map((v) => v.name));
  const fixed = model.weights.filter((w) => !trainable.has((w.read() as tf.Variable).name));
  const optimizer = createOptimizer(init.recipe, vars);
  if (init.restore !== null) optimizer.setState(init.restore.slots, init.restore.iterations);
  port?.on("message", (msg: ToParallelWorker) => {
    try {
      if (msg.type === "grads") {
        const { loss, grads } = computeGradients(model, vars, { x: msg.x, y: msg.y, n: msg.n }, { step: msg.step, stream: msg.stream });
        const arrays = grads.map((g) => g.dataSync() as Float32Array);
        tf.dispose(grads);
        const nonTrainable = fixed.map((w) => Float32Array.from(w.read().dataSync() as Float32Array));
        reply({ type: "grads", loss, grads: arrays, nonTrainable }, [
          ...arrays.map((a) => a.buffer as ArrayBuffer),
          ...nonTrainable.map((a) => a.buffer),
        ]);
      } else if (msg.type === "apply") {
        const grads = msg.grads.map((g, i) => tf.tensor(g, (vars[i] as tf.Variable).shape));
        optimizer.apply(grads);
        tf.dispose(grads);
        tf.tidy(() => fixed.forEach((w, i) => w.write(tf.tensor(msg.nonTrainable[i] as Float32Array, w.shape as number[]))));
      } else if (msg.type === "weights") {
        const weights = model.getWeights().map((t) => Float32Array.from(t.dataSync() as Float32Array));
        reply(
          { type: "weights", weights },
          weights.map((a) => a.buffer),
        );
      } else {
        reply({ type: "optimizer", slots: optimizer.getState(), iterations: optimizer.iterations });
      }
    } catch (err) {
      reply({ type: "error", message: err instanceof Error ? err.message : String(err) });
    }
  });
  reply({ type: "ready" });
}

start().catch((err: unknown) => reply({ type: "error", message: err instanceof Error ? err.message : String(err) }));
