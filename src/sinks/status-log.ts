/**
 * The health log of a live run (`live --status-log FILE.jsonl`): one JSON line per pipeline status
 * (about once a second) with the process's memory next to the pipeline's own figures, so a long
 * run can be checked for leaks and drift afterwards (RSS flat, numTensors constant, latency p95
 * stable, no dropped windows). Unlike the activity log it holds no scores; it is small (~400 bytes
 * per line, ~1.4 MB per hour) and is meant for soak tests and field diagnosis.
 *
 *   {"type":"health","v":1,"timeMs","rssBytes","heapUsedBytes","externalBytes","windowsScored",
 *    "droppedWindows","xruns","latencyMs":{p50,p95,p99,max,count},"numTensors","cpuPercent",
 *    "badMessages":{"osc","ws"},"device":{"state","gaps"}}
 */
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { InputFileError, oneLine } from "../errors.js";
import { log } from "../log.js";
import type { PipelineStatus } from "../frame.js";

/** Counts of refused control input, by transport. */
export interface BadMessageCounts {
  readonly osc: number;
  readonly ws: number;
}

/** One line of the health log. */
export interface HealthRecord {
  readonly type: "health";
  readonly v: 1;
  /** Epoch ms. */
  readonly timeMs: number;
  /** Resident set size of the process, bytes. */
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Memory of ArrayBuffers and native objects (wasm heaps included), bytes. */
  readonly externalBytes: number;
  readonly windowsScored: number;
  readonly droppedWindows: number;
  readonly xruns: number;
  readonly latencyMs: {
    readonly p50: number | null;
    readonly p95: number | null;
    readonly p99: number | null;
    readonly max: number | null;
    readonly count: number;
  };
  readonly numTensors: number | null;
  readonly cpuPercent: number;
  readonly badMessages: BadMessageCounts;
  /** Capture device state ("ok" for files) and device gaps so far. */
  readonly device: { readonly state: string; readonly gaps: number };
}

const finite = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);

/** Builds the health record of a status (reads process.memoryUsage() now). */
export function healthRecord(s: PipelineStatus, bad: BadMessageCounts, device: { state: string; gaps: number }): HealthRecord {
  const mem = process.memoryUsage();
  const l = s.latencyMs;
  return {
    type: "health",
    v: 1,
    timeMs: Math.round(s.timeMs),
    rssBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    externalBytes: mem.external,
    windowsScored: s.windowsScored,
    droppedWindows: s.droppedWindows,
    xruns: s.xruns,
    latencyMs: { p50: finite(l.p50), p95: finite(l.p95), p99: finite(l.p99), max: finite(l.max), count: l.count },
    numTensors: s.numTensors,
    cpuPercent: s.cpuPercent,
    badMessages: bad,
    device,
  };
}

/** Appends health records; a write failure is logged once and later ones are skipped. */
export class StatusLog {
  private tail: Promise<void> = Promise.resolve();
  private failed = false;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  /** Opens `path` for appending. @throws InputFileError when it cannot be opened */
  static async open(path: string): Promise<StatusLog> {
    try {
      return new StatusLog(path, await open(path, "a"));
    } catch (err) {
      throw new InputFileError(path, `cannot open the status log for appending (${(err as NodeJS.ErrnoException).code ?? oneLine(err)})`, {
        cause: err,
      });
    }
  }

  /** Queues one record (never waits). */
  write(rec: HealthRecord): void {
    if (this.failed || this.closed) return;
    const line = JSON.stringify(rec) + "\n";
    this.tail = this.tail.then(async () => {
      if (this.failed) return;
      try {
        await this.fh.write(line);
      } catch (err) {
        this.failed = true;
        log.error(
          `status log ${this.path}: write failed (${(err as NodeJS.ErrnoException).code ?? oneLine(err)}); no more health records are written`,
        );
      }
    });
  }

  /** Flushes and closes. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    await this.fh.close().catch(() => undefined);
  }
}
