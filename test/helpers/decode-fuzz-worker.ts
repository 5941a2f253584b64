/**
 * Worker thread for the decoder fuzz test: decodes each case it is sent with decodeBytes and reports
 * the outcome, so the test can put a time limit on every case (a hang in synchronous wasm cannot be
 * interrupted in its own thread, but the worker can be terminated).
 */
import { parentPort } from "node:worker_threads";
import { decodeBytes } from "../../src/audio/decode.js";
import { InputFileError } from "../../src/errors.js";
import { setLogWriter } from "../../src/log.js";

/** A case to decode. */
export interface FuzzCase {
  readonly id: number;
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** What became of it. */
export interface FuzzOutcome {
  readonly id: number;
  /** audio: decoded; error: an InputFileError; crash: anything else. */
  readonly kind: "audio" | "error" | "crash";
  readonly message: string;
  /** audio: every sample finite and the channel lengths equal. */
  readonly sane: boolean;
  readonly ms: number;
}

setLogWriter(() => undefined); // decoder warnings are expected for damaged files
parentPort?.on("message", (c: FuzzCase) => {
  const t0 = performance.now();
  const reply = (o: Omit<FuzzOutcome, "id" | "ms">): void =>
    parentPort?.postMessage({ id: c.id, ms: performance.now() - t0, ...o } satisfies FuzzOutcome);
  decodeBytes(c.bytes, c.name).then(
    (a) => {
      const n = a.channels[0]?.length ?? 0;
      const sane =
        a.channels.length > 0 && a.sampleRateHz > 0 && a.channels.every((ch) => ch.length === n && ch.every((v) => Number.isFinite(v)));
      reply({ kind: "audio", message: `${a.channels.length} ch, ${n} frames at ${a.sampleRateHz} Hz`, sane });
    },
    (err: unknown) =>
      reply({
        kind: err instanceof InputFileError ? "error" : "crash",
        message: err instanceof Error ? err.message : String(err),
        sane: true,
      }),
  );
});
