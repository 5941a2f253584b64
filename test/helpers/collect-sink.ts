/** A sink that keeps everything it is given (pipeline tests). */
import type { Frame, PipelineStatus, SessionInfo } from "../../src/frame.js";
import type { Sink, SinkEvent } from "../../src/sinks/sink.js";

export class CollectSink implements Sink {
  readonly name = "collect";
  readonly frames: Frame[] = [];
  readonly statuses: PipelineStatus[] = [];
  session: SessionInfo | undefined;
  closed = false;

  write(e: SinkEvent): void {
    if (this.closed) return;
    if (e.type === "session") this.session = e.session;
    else if (e.type === "frame") this.frames.push(e.frame);
    else this.statuses.push(e.status);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
