/**
 * Entry point of a track thread (track-pool.ts starts it; nothing else imports it): starts loading
 * the model from its spec and takes files at once, several at a time (each is mostly waiting on
 * the native FLAC decoder at first; the first ones decode while the model loads), posting each
 * result back.
 */
import { parentPort, workerData } from "node:worker_threads";
import { InputFileError, oneLine } from "../errors.js";
import { loadScorer } from "../pipeline/mel-scorer.js";
import type { ScorerSpec } from "../pipeline/mel-scorer.js";
import { analyzeTrackWith } from "./analyze-track.js";
import type { FromTrackThread, ToTrackThread } from "./track-pool.js";

if (parentPort === null) throw new Error("track-thread-entry.ts must run in a worker thread");
const port = parentPort;
const { spec } = workerData as { spec: ScorerSpec };
const post = (msg: FromTrackThread, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer);

const scorer = loadScorer(spec);
scorer.then(
  () => post({ type: "ready" }),
  (err: unknown) => post({ type: "failed", id: null, message: oneLine(err), inputPath: null }),
);

let inFlight = 0;
let closing = false;
const finish = async (): Promise<void> => {
  if (!closing || inFlight > 0) return;
  await (await scorer.catch(() => undefined))?.dispose?.();
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
