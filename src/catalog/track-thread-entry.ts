/**
 * Entry point of a track thread (track-pool.ts starts it; nothing else imports it): loads the
 * model from its spec, then analyses whole files as the main thread asks, several at once
 * (each is mostly waiting on the native FLAC decoder at first), and posts each result back.
 */
import { parentPort, workerData } from "node:worker_threads";
import { InputFileError, oneLine } from "../errors.js";
import { loadScorer } from "../pipeline/mel-scorer.js";
import type { MelScorer, ScorerSpec } from "../pipeline/mel-scorer.js";
import { analyzeTrackWith } from "./analyze-track.js";
import type { FromTrackThread, ToTrackThread } from "./track-pool.js";

if (parentPort === null) throw new Error("track-thread-entry.ts must run in a worker thread");
const port = parentPort;
const { spec } = workerData as { spec: ScorerSpec };
const post = (msg: FromTrackThread, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer);

async function main(): Promise<void> {
  let scorer: MelScorer;
  try {
    scorer = await loadScorer(spec);
  } catch (err) {
    post({ type: "failed", id: null, message: oneLine(err), inputPath: null });
    return;
  }
  let inFlight = 0;
  let closing = false;
  const finish = async (): Promise<void> => {
    if (!closing || inFlight > 0) return;
    await scorer.dispose?.();
    post({ type: "closed" });
    port.close();
  };
  port.on("message", (msg: ToTrackThread) => {
    if (msg.type === "close") {
      closing = true;
      void finish();
      return;
    }
    inFlight++;
    analyzeTrackWith(msg.path, scorer, msg.facts)
      .then(
        (analysis) => post({ type: "done", id: msg.id, analysis }, [analysis.scores.buffer as ArrayBuffer]),
        (err: unknown) =>
          post({ type: "failed", id: msg.id, message: oneLine(err), inputPath: err instanceof InputFileError ? err.path : null }),
      )
      .finally(() => {
        inFlight--;
        void finish();
      });
  });
  post({ type: "ready", modelId: scorer.modelId, labels: [...scorer.labels] });
}

void main();
