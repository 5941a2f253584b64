/**
 * Entry point of a scorer thread: builds the MelScorer from its spec, then turns batches of
 * normalised window samples into scores (melWindowDb per window, then one scoreMel() call per
 * batch). Started by scorer-thread.ts (the main-thread handle); never imported by anything else.
 */
import { parentPort, workerData } from "node:worker_threads";
import { melWindowDb } from "../features/mel.js";
import { framesPerWindow } from "../features/params.js";
import { oneLine } from "../errors.js";
import { checkScores, loadScorer } from "./mel-scorer.js";
import type { MelScorer } from "./mel-scorer.js";
import type { FromWorker, ToWorker, WorkerInit } from "./scorer-thread-messages.js";

if (parentPort === null) throw new Error("scorer-thread-entry.ts must run in a worker thread");
const port = parentPort;
const init = workerData as WorkerInit;
const p = init.params;
const melSize = p.nMels * framesPerWindow(p);

const post = (msg: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer);
const tensors = (s: MelScorer): number | null => (s.numTensors === undefined ? null : s.numTensors());

async function scoreBatch(scorer: MelScorer, id: number, samples: Float32Array, n: number): Promise<void> {
  const t0 = performance.now();
  const mel = new Float32Array(n * melSize);
  for (let i = 0; i < n; i++) {
    const win = samples.subarray(i * p.windowSamples, (i + 1) * p.windowSamples);
    melWindowDb(win, 0, p, mel.subarray(i * melSize, (i + 1) * melSize));
  }
  const t1 = performance.now();
  const scores = checkScores(await scorer.scoreMel(mel, n), n, scorer.labels.length);
  const t2 = performance.now();
  post({ type: "scores", id, scores, melMs: t1 - t0, scoreMs: t2 - t1, numTensors: tensors(scorer) }, [scores.buffer as ArrayBuffer]);
}

async function main(): Promise<void> {
  let scorer: MelScorer;
  try {
    scorer = await loadScorer(init.spec);
  } catch (err) {
    post({ type: "error", id: null, message: oneLine(err) });
    return;
  }
  // Messages are handled one at a time, in order, so scores come back in the order sent.
  let chain = Promise.resolve();
  port.on("message", (msg: ToWorker) => {
    chain = chain.then(async () => {
      if (msg.type === "close") {
        await scorer.dispose?.();
        post({ type: "closed" });
        port.close();
        return;
      }
      try {
        await scoreBatch(scorer, msg.id, msg.samples, msg.n);
      } catch (err) {
        post({ type: "error", id: msg.id, message: oneLine(err) });
      }
    });
  });
  post({
    type: "ready",
    labels: [...scorer.labels],
    thresholds: Array.from(scorer.thresholds),
    modelId: scorer.modelId,
    engine: scorer.engine ?? null,
    numTensors: tensors(scorer),
  });
}

void main();
