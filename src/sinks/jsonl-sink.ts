/**
 * Activity log sink: every event as one JSON line, appended (O_APPEND) to a file.
 *
 * Durability: each record, newline included, goes to the kernel in one write(2) as soon as the
 * event arrives (no user-space buffering), so after kill -9 everything but at most a partially
 * written last line is in the file (the page cache survives the process); `fsyncEveryMs` adds an
 * fdatasync at most that often for power loss. Writes are asynchronous (libuv thread pool) and one
 * at a time, in order; the returned promise lets the fanout bound the backlog.
 *
 * A failed write (disk full, I/O error, quota) stops the log for good: one clear error line, the
 * file is cut back to its last complete line (ftruncate needs no space), and later events are
 * ignored, so the analysis and the other sinks go on and the log stays readable up to that point.
 */
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { InputFileError, oneLine } from "../errors.js";
import { log } from "../log.js";
import { nowMs } from "../audio/source.js";
import { ACTIVITY_LOG_VERSION, frameRecord } from "./activity-log.js";
import type { DeviceRecord } from "./activity-log.js";
import type { Sink, SinkEvent } from "./sink.js";

/** Options for {@link JsonlSink.open}. */
export interface JsonlSinkOptions {
  /** fdatasync at most this often, ms; 0 disables. Default 1000. */
  readonly fsyncEveryMs?: number;
  /** Start paused (record off). Default false. */
  readonly paused?: boolean;
}

/** Encodes one event as a line (with its newline). */
export function encodeEvent(e: SinkEvent): string {
  const v = ACTIVITY_LOG_VERSION;
  const rec =
    e.type === "frame"
      ? frameRecord(e.frame)
      : e.type === "session"
        ? { type: "session", v, ...e.session }
        : { type: "status", v, ...e.status };
  return JSON.stringify(rec) + "\n";
}

/** Appends events to a JSONL activity log. */
export class JsonlSink implements Sink {
  readonly name: string;
  private fh: FileHandle | undefined;
  private readonly fsyncEveryMs: number;
  private lastSync = 0;
  private paused: boolean;
  private closing: Promise<void> | undefined;
  /** The write in flight (writes are chained so lines never interleave). */
  private tail: Promise<void> = Promise.resolve();
  /** File size after the last complete line, bytes. */
  private goodBytes: number;
  /** The write error that stopped the log (one line), if any. */
  error: string | undefined;

  private constructor(
    readonly path: string,
    fh: FileHandle,
    size: number,
    opts: JsonlSinkOptions,
  ) {
    this.name = `jsonl:${path}`;
    this.fh = fh;
    this.goodBytes = size;
    this.fsyncEveryMs = opts.fsyncEveryMs ?? 1000;
    this.paused = opts.paused ?? false;
  }

  /**
   * Opens (creating if needed) `path` for appending.
   * @throws InputFileError if it cannot be opened
   */
  static async open(path: string, opts: JsonlSinkOptions = {}): Promise<JsonlSink> {
    try {
      const fh = await open(path, "a");
      return new JsonlSink(path, fh, (await fh.stat()).size, opts);
    } catch (err) {
      throw new InputFileError(path, `cannot open the activity log for appending (${(err as NodeJS.ErrnoException).code ?? "error"})`, {
        cause: err,
      });
    }
  }

  /** True while recording is off. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Turns recording off (events are ignored) or on; the change is logged as a "record" line. */
  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    void this.append(JSON.stringify({ type: "record", v: ACTIVITY_LOG_VERSION, on: !paused, timeMs: nowMs() }) + "\n");
  }

  write(event: SinkEvent): Promise<void> | void {
    if (this.fh === undefined || this.closing !== undefined || this.error !== undefined) return;
    if (this.paused && event.type !== "session") return;
    return this.append(encodeEvent(event));
  }

  /** Appends a capture-device record (written even while paused: it explains a gap). */
  note(rec: Omit<DeviceRecord, "type" | "v">): void {
    if (this.fh === undefined || this.closing !== undefined || this.error !== undefined) return;
    void this.append(JSON.stringify({ type: "device", v: ACTIVITY_LOG_VERSION, ...rec }) + "\n");
  }

  private append(line: string): Promise<void> {
    const fh = this.fh;
    if (fh === undefined) return Promise.resolve();
    const buf = Buffer.from(line, "utf8");
    this.tail = this.tail.then(async () => {
      if (this.error !== undefined) return;
      try {
        // A single write(2) for the whole line; loop only if the kernel took part of it.
        for (let off = 0; off < buf.length;) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
        this.goodBytes += buf.length;
        const t = Date.now();
        if (this.fsyncEveryMs > 0 && t - this.lastSync >= this.fsyncEveryMs) {
          this.lastSync = t;
          await fh.datasync();
        }
      } catch (err) {
        await this.stopAfterFailure(fh, err);
      }
    });
    return this.tail;
  }

  private async stopAfterFailure(fh: FileHandle, err: unknown): Promise<void> {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOSPC"
        ? "the disk is full (ENOSPC)"
        : code === "EDQUOT"
          ? "the disk quota is exceeded (EDQUOT)"
          : `write failed (${code ?? oneLine(err)})`;
    this.error = why;
    // Cut a partially written line so the file ends on a complete record.
    const cut = await fh.truncate(this.goodBytes).then(
      () => "",
      (e: unknown) => ` (could not cut the partial last line: ${(e as NodeJS.ErrnoException).code ?? oneLine(e)})`,
    );
    log.error(`activity log ${this.path}: ${why}; recording stopped after ${this.goodBytes} bytes, the analysis goes on${cut}`);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.tail;
      const fh = this.fh;
      this.fh = undefined;
      if (fh !== undefined) {
        await fh.datasync().catch(() => undefined);
        await fh.close();
      }
    })();
    return this.closing;
  }
}
