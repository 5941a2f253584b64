/**
 * Starting and ending the project's worker threads (scorer threads, track threads, training
 * workers): one place for the flags that let a thread load .ts sources under tests, and for the
 * polite shutdown every thread type uses.
 */
import { Worker } from "node:worker_threads";
import { runningFromSource, tsExecArgv } from "./dev-ts-loader.js";

/** A worker thread running `url` with `workerData`; from .ts sources (tests) it gets the TypeScript hooks, the build runs plain .js. */
export function startWorkerThread(url: URL, workerData: unknown): Worker {
  return new Worker(url, { workerData, execArgv: runningFromSource() ? [...process.execArgv, ...tsExecArgv()] : process.execArgv });
}

/** Milliseconds a thread gets to finish after its close message before it is terminated. */
export const CLOSE_GRACE_MS = 5000;

/** Posts `closeMessage` and waits for the thread to exit; terminates it if it has not after CLOSE_GRACE_MS. */
export async function endWorkerThread(worker: Worker, closeMessage: unknown): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  worker.postMessage(closeMessage);
  const timer = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
