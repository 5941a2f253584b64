/**
 * The sink contract: where pipeline output goes (activity log, OSC, WebSocket). A sink receives
 * the session description first, then frames and status events, in order.
 *
 * `write` may return a promise (an async sink); the pipeline never awaits it directly: the fanout
 * (fanout.ts) keeps one write in flight per sink, queues a bounded number behind it and counts what
 * it drops, so a slow sink never stalls inference. Contract checked for every sink by
 * test/helpers/describe-sink.ts: close() is idempotent, write() after close() is a no-op that
 * neither throws nor delivers, and write() never waits on the far end (a consumer that does not
 * read).
 */
import type { Frame, PipelineStatus, SessionInfo } from "../frame.js";

/** One thing a pipeline emits. */
export type SinkEvent =
  | { readonly type: "session"; readonly session: SessionInfo }
  | { readonly type: "frame"; readonly frame: Frame }
  | { readonly type: "status"; readonly status: PipelineStatus };

/** A destination for pipeline output. */
export interface Sink {
  /** Short name for status and logs, e.g. "jsonl:run.jsonl", "osc:127.0.0.1:9000", "ws". */
  readonly name: string;
  /** Delivers one event; a returned promise settles when the sink can take the next one. */
  write(event: SinkEvent): void | Promise<void>;
  /** Flushes what can be flushed and releases resources. Idempotent. */
  close(): Promise<void>;
}

/** Seconds from the start of the stream to the window start of a frame. */
export function frameTimeSec(f: Pick<Frame, "startSample" | "sampleRateHz">): number {
  return f.startSample / f.sampleRateHz;
}
