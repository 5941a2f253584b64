/**
 * What `live` tells the terminal and the logs: device losses (also marked in the activity log),
 * trigger edges, a status line (and the health log) per status, and the closing summary.
 */
import type { DeviceEvent } from "../src/audio/portaudio-source.js";
import type { AudioSource } from "../src/audio/source.js";
import type { PipelineStatus } from "../src/frame.js";
import { log } from "../src/log.js";
import type { LiveSummary } from "../src/pipeline/live.js";
import type { JsonlSink } from "../src/sinks/jsonl-sink.js";
import type { Sink } from "../src/sinks/sink.js";
import { healthRecord } from "../src/sinks/status-log.js";
import type { StatusLog } from "../src/sinks/status-log.js";

/** Logs device events and marks them in the activity log (when there is one). */
export function deviceReporter(name: string, rateHz: number, jsonl: JsonlSink | undefined): (e: DeviceEvent) => void {
  return (e) => {
    if (e.type === "lost") {
      log.warn(`live: capture device ${name} lost (${e.reason}); retrying with backoff`);
      jsonl?.note({ event: "lost", timeMs: e.timeMs, inputFrame: e.atFrame, inputRateHz: rateHz, reason: e.reason });
    } else if (e.type === "retry") {
      log.info(`live: capture device ${name} still unavailable (attempt ${e.attempt}: ${e.error})`);
    } else {
      log.warn(
        `live: capture device ${name} is back after ${(e.gapMs / 1000).toFixed(1)} s (${e.attempts} attempt(s)); the gap is marked in the activity log`,
      );
      jsonl?.note({ event: "resumed", timeMs: e.timeMs, inputFrame: e.atFrame, inputRateHz: rateHz, gapMs: Math.round(e.gapMs) });
    }
  };
}

/** Logs trigger edges as they happen (what the user sees on the terminal). */
export function triggerLogSink(): Sink {
  return {
    name: "log",
    write: (e) => {
      if (e.type !== "frame") return;
      const ch = e.frame.channel === null ? "" : ` (channel ${e.frame.channel + 1})`;
      for (const t of e.frame.triggers) log.info(`trigger ${t.rule} ${t.edge} at ${t.tSec.toFixed(2)} s${ch}`);
    },
    close: () => Promise.resolve(),
  };
}

const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : "-");

function statusLine(s: PipelineStatus): string {
  const l = s.latencyMs;
  return `status: ${s.windowsScored} windows, ${s.droppedWindows} dropped, ${s.xruns} xruns, latency p50 ${ms(l.p50)} ms p95 ${ms(l.p95)} ms, cpu ${s.cpuPercent}%`;
}

/** Logs a status line every 10th status (every status at debug level) and writes the health log. */
export function statusReporter(
  source: AudioSource,
  statusLog: StatusLog | undefined,
  bad: () => { osc: number; ws: number },
): (s: PipelineStatus) => void {
  let n = 0;
  return (s) => {
    statusLog?.write(healthRecord(s, bad(), source.health()));
    if (++n % 10 === 0) log.info(statusLine(s));
    else log.debug(statusLine(s));
  };
}

/** The closing line of a run: windows, drops, xruns, latency percentiles and sink drops. */
export function summaryLine(s: LiveSummary): string {
  const l = s.latencyMs;
  const drops = s.sinks
    .filter((k) => k.dropped > 0)
    .map((k) => `${k.name} ${k.dropped}`)
    .join(", ");
  return (
    `live: done: ${s.windowsScored} windows scored, ${s.droppedWindows} dropped, ${s.xruns} xruns; latency p50 ${ms(l.p50)} ms, ` +
    `p95 ${ms(l.p95)} ms, p99 ${ms(l.p99)} ms${drops === "" ? "" : `; sink drops: ${drops}`}`
  );
}
