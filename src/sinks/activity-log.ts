/**
 * The activity log format (`live --record FILE.jsonl`): one JSON object per line, append-only.
 *
 *   {"type":"session","v":1, labels, classIds, modelId, thresholds, sampleRateHz, hopSec, ...}
 *   {"type":"frame","v":1, seq, lane, channel, index, startSample, sampleRateHz, timeSec,
 *    captureTimeMs, levelRms, raw:[...], smoothed:[...], active:[0|1...], triggers:[{rule,edge}]}
 *   {"type":"status","v":1, ...PipelineStatus}
 *   {"type":"record","v":1, on, timeMs}          (recording paused/resumed)
 *   {"type":"device","v":1, event:"lost"|"resumed", timeMs, inputFrame, inputRateHz, reason?, gapMs?}
 *                                                 (capture device lost / back: a gap in the audio)
 *
 * Scores are written with 9 significant digits, which round-trips float32 exactly, so raw
 * activations can be re-thresholded or evaluated later without the network (CONTRIBUTING.md, habit 8).
 * A run killed mid-write leaves at most one partial last line; {@link parseActivityLog} skips it.
 */
import { readFile } from "node:fs/promises";
import { InputFileError } from "../errors.js";
import { parseJsonLines } from "../io/json-lines.js";
import type { Frame, PipelineStatus, SessionInfo } from "../frame.js";
import type { TriggerEdge } from "../post/triggers.js";

/** Log format version. */
export const ACTIVITY_LOG_VERSION = 1;

/** A frame as stored. */
export interface FrameRecord {
  readonly type: "frame";
  readonly v: 1;
  readonly seq: number;
  readonly lane: number;
  readonly channel: number | null;
  readonly index: number;
  readonly startSample: number;
  readonly sampleRateHz: number;
  /** startSample / sampleRateHz, seconds. */
  readonly timeSec: number;
  /** Epoch ms, or null when not captured live. */
  readonly captureTimeMs: number | null;
  readonly levelRms: number;
  readonly raw: number[];
  readonly smoothed: number[];
  readonly active: number[];
  readonly triggers: { readonly rule: string; readonly edge: TriggerEdge }[];
}

/** Any record of the log. */
export type ActivityRecord =
  | ({ readonly type: "session"; readonly v: 1 } & SessionInfo)
  | FrameRecord
  | ({ readonly type: "status"; readonly v: 1 } & PipelineStatus)
  | { readonly type: "record"; readonly v: 1; readonly on: boolean; readonly timeMs: number }
  | DeviceRecord;

/**
 * A capture device state change. `inputFrame` is the source's sample clock (frames at
 * `inputRateHz`) where the audio stops (lost) or goes on (resumed): the clock does not advance
 * during the gap, so frames after it are `gapMs` later in wall-clock time than their startSample says.
 */
export interface DeviceRecord {
  readonly type: "device";
  readonly v: 1;
  readonly event: "lost" | "resumed";
  /** Epoch ms. */
  readonly timeMs: number;
  readonly inputFrame: number;
  readonly inputRateHz: number;
  /** Why it was lost (lost only). */
  readonly reason?: string;
  /** How long the device was gone, ms (resumed only). */
  readonly gapMs?: number;
}

const RECORD_TYPES = ["session", "frame", "status", "record", "device"];

const f32 = (x: number): number => Number(x.toPrecision(9));

/** The stored form of a frame. */
export function frameRecord(f: Frame): FrameRecord {
  return {
    type: "frame",
    v: 1,
    seq: f.seq,
    lane: f.lane,
    channel: f.channel,
    index: f.index,
    startSample: f.startSample,
    sampleRateHz: f.sampleRateHz,
    timeSec: f.startSample / f.sampleRateHz,
    captureTimeMs: Number.isFinite(f.captureTimeMs) ? f.captureTimeMs : null,
    levelRms: f.levelRms,
    raw: Array.from(f.raw, f32),
    smoothed: Array.from(f.smoothed, f32),
    active: Array.from(f.active),
    triggers: f.triggers.map((t) => ({ rule: t.rule, edge: t.edge })),
  };
}

/** What a log holds. */
export interface ActivityLog {
  readonly records: ActivityRecord[];
  /** True when the last line was incomplete (run killed mid-write) and was skipped. */
  readonly partialTail: boolean;
}

/**
 * Parses log text. A last line without its newline is skipped (a writer killed mid-line: each
 * record is written with its newline in one write); any other bad line is an error.
 * @throws InputFileError naming the line number
 */
export function parseActivityLog(text: string, path = "activity log"): ActivityLog {
  const { lines, partialTail } = parseJsonLines(text, (n) => new InputFileError(path, `line ${n} is not valid JSON`));
  const records = lines.map(({ lineNo, value }) => {
    const t = (value as { type?: unknown } | null)?.type;
    if (typeof t !== "string" || !RECORD_TYPES.includes(t)) {
      throw new InputFileError(path, `line ${lineNo}: expected type ${RECORD_TYPES.join("|")}, got ${JSON.stringify(t)}`);
    }
    return value as ActivityRecord;
  });
  return { records, partialTail };
}

/** Reads an activity log file (see parseActivityLog). */
export async function readActivityLog(path: string): Promise<ActivityLog> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new InputFileError(path, `cannot read the activity log (${(err as NodeJS.ErrnoException).code ?? "error"})`, { cause: err });
  }
  return parseActivityLog(text, path);
}

/** The frame records of a log, in order. */
export function logFrames(log: ActivityLog): FrameRecord[] {
  return log.records.filter((r): r is FrameRecord => r.type === "frame");
}
