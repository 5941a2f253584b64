/**
 * Review mode: an activity log (`live --record FILE.jsonl`, src/sinks/activity-log.ts) or an
 * `analyze --format json` document, turned into recordings the page scrubs through with the same
 * views as live. An activity log may hold several runs (the file is appended to): one recording
 * per session header. An analyze document holds one recording per analysed file.
 */
import { parseJsonLines } from "../../../src/io/json-lines.js";
import { PeakHold } from "./peak-hold.js";
import { ArraySeries } from "./timeline.js";
import type { FramePoint } from "./timeline.js";
import { TRIGGER_LOG_SIZE } from "./live-store.js";
import { lampsFrom } from "./view.js";
import type { SessionView, TriggerEntry, ViewState } from "./view.js";

/** A file that cannot be reviewed; the message is one line naming the file and the problem. */
export class ReviewFileError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = "ReviewFileError";
  }
}

/** One lane of a recording. */
export interface RecordedLane {
  readonly lane: number;
  readonly channel: number | null;
  readonly series: ArraySeries;
}

/** A run (activity log) or an analysed file (analyze JSON), ready to scrub. */
export interface Recording {
  /** What to call it in the page: file name, plus run number or analysed file. */
  readonly name: string;
  readonly kind: "activity-log" | "analyze";
  readonly session: SessionView;
  readonly lanes: readonly RecordedLane[];
  /** Oldest first. */
  readonly triggers: readonly TriggerEntry[];
  /** First window start and last window end, seconds. */
  readonly startSec: number;
  readonly endSec: number;
  /** The log's last line was cut off (run killed mid-write) and was skipped. */
  readonly partialTail: boolean;
}

type Rec = Record<string, unknown>;
const isObj = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const nums = (v: unknown): number[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === "number") ? v : undefined);
const strs = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === "string") ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/**
 * Parses a review file by its content: an analyze JSON document (an object with `files`) or an
 * activity log (JSON lines starting with a session header).
 * @throws ReviewFileError naming the file and, for logs, the line
 */
export function parseReviewFile(fileName: string, text: string): Recording[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch {
      // Not one JSON document: read it as JSON lines.
    }
    if (isObj(doc) && Array.isArray(doc["files"])) return parseAnalyzeJson(fileName, doc);
  }
  return parseActivityLogText(fileName, text);
}

/** Recordings of an activity log's text (see the file comment). */
export function parseActivityLogText(fileName: string, text: string): Recording[] {
  const notLog = "expected an activity log from live --record or an analyze JSON file";
  const { lines, partialTail } = parseJsonLines(text, (n) => new ReviewFileError(fileName, `line ${n} is not JSON (${notLog})`));
  const runs: { session: Rec; frames: Rec[] }[] = [];
  for (const { lineNo, value: rec } of lines) {
    if (!isObj(rec)) throw new ReviewFileError(fileName, `line ${lineNo} is not a JSON object`);
    if (rec["type"] === "session") runs.push({ session: rec, frames: [] });
    else if (rec["type"] === "frame") {
      const run = runs.at(-1);
      if (run === undefined) throw new ReviewFileError(fileName, `line ${lineNo}: a frame before the session header`);
      run.frames.push(rec);
    }
  }
  if (runs.length === 0) throw new ReviewFileError(fileName, `no session header: ${notLog}`);
  return runs.map((r, k) =>
    logRecording(`${fileName}${runs.length > 1 ? ` (run ${k + 1})` : ""}`, r.session, r.frames, partialTail && k === runs.length - 1),
  );
}

function logRecording(name: string, s: Rec, frames: readonly Rec[], partialTail: boolean): Recording {
  const labels = strs(s["labels"]);
  const sampleRateHz = num(s["sampleRateHz"]);
  if (labels === undefined || sampleRateHz === undefined)
    throw new ReviewFileError(name, "the session header has no labels or sampleRateHz");
  const src = isObj(s["source"]) ? s["source"] : undefined;
  const session: SessionView = {
    modelId: typeof s["modelId"] === "string" ? s["modelId"] : "?",
    labels,
    classIds: strs(s["classIds"]) ?? labels,
    sampleRateHz,
    inputRateHz: num(s["inputRateHz"]) ?? null,
    hopSec: num(s["hopSec"]) ?? null,
    windowSec: num(s["windowSec"]) ?? 1,
    lanes: Array.isArray(s["lanes"]) ? (s["lanes"] as (number | null)[]) : [null],
    rules: strs(s["rules"]) ?? [],
    thresholds: nums(s["thresholds"]) ?? labels.map(() => 0.5),
    muted: labels.map(() => false),
    source: src === undefined ? null : { name: String(src["name"]), kind: String(src["kind"]), channels: num(src["channels"]) ?? 0 },
    recording: null,
    recordFile: null,
    oscTargets: null,
    smoothing: null,
    controls: [],
  };
  const byLane = new Map<number, { channel: number | null; points: FramePoint[] }>();
  const triggers: TriggerEntry[] = [];
  for (const f of frames) {
    const startSample = num(f["startSample"]);
    const smoothed = nums(f["smoothed"]);
    if (startSample === undefined || smoothed === undefined) continue;
    const tSec = startSample / (num(f["sampleRateHz"]) ?? sampleRateHz);
    const lane = num(f["lane"]) ?? 0;
    const channel = num(f["channel"]) ?? null;
    const l = byLane.get(lane) ?? { channel, points: [] };
    byLane.set(lane, l);
    // Keep time strictly increasing per lane (as live does): a repeated or older window is dropped.
    const last = l.points.at(-1);
    if (last === undefined || tSec > last.tSec)
      l.points.push({ tSec, raw: nums(f["raw"]) ?? smoothed, smoothed, active: nums(f["active"]) ?? [] });
    for (const t of Array.isArray(f["triggers"]) ? f["triggers"] : []) {
      if (isObj(t) && typeof t["rule"] === "string" && (t["edge"] === "enter" || t["edge"] === "exit"))
        triggers.push({ tSec, rule: t["rule"], edge: t["edge"], lane, channel });
    }
  }
  return finish(name, "activity-log", session, byLane, triggers, partialTail);
}

/** Recordings of an `analyze --format json` document: one per file. */
export function parseAnalyzeJson(fileName: string, doc: Rec): Recording[] {
  const files = doc["files"] as unknown[];
  if (files.length === 0) throw new ReviewFileError(fileName, "the analyze document has no files");
  return files.map((f, k) => {
    const name = `${fileName}: ${isObj(f) && typeof f["file"] === "string" ? f["file"] : `file ${k + 1}`}`;
    if (!isObj(f)) throw new ReviewFileError(name, "not an object");
    const classIds = strs(f["classes"]);
    const rows = Array.isArray(f["rows"]) ? f["rows"] : undefined;
    if (classIds === undefined || rows === undefined) throw new ReviewFileError(name, "expected classes and rows (analyze --format json)");
    const labels = strs(f["labels"]) ?? classIds;
    const points: FramePoint[] = [];
    let hop = Infinity;
    for (const r of rows) {
      const start = isObj(r) ? num(r["start"]) : undefined;
      const scores = isObj(r) ? nums(r["scores"]) : undefined;
      if (!isObj(r) || start === undefined || scores === undefined)
        throw new ReviewFileError(name, `row ${points.length + 1}: expected start and scores`);
      hop = Math.min(hop, (num(r["end"]) ?? start + 1) - start);
      const last = points.at(-1);
      if (last === undefined || start > last.tSec)
        points.push({ tSec: start, raw: scores, smoothed: scores, active: nums(r["active"]) ?? [] });
    }
    const session: SessionView = {
      modelId: typeof doc["model"] === "string" ? doc["model"] : "?",
      labels,
      classIds,
      sampleRateHz: 22050,
      inputRateHz: null,
      hopSec: Number.isFinite(hop) ? hop : null,
      windowSec: Number.isFinite(hop) ? hop : 1,
      lanes: [null],
      rules: [],
      thresholds: nums(f["thresholds"]) ?? classIds.map(() => 0.5),
      muted: classIds.map(() => false),
      source: { name: typeof f["file"] === "string" ? f["file"] : fileName, kind: "offline", channels: 0 },
      recording: null,
      recordFile: null,
      oscTargets: null,
      smoothing: null,
      controls: [],
    };
    return finish(name, "analyze", session, new Map([[0, { channel: null, points }]]), [], false);
  });
}

function finish(
  name: string,
  kind: Recording["kind"],
  session: SessionView,
  byLane: ReadonlyMap<number, { channel: number | null; points: FramePoint[] }>,
  triggers: TriggerEntry[],
  partialTail: boolean,
): Recording {
  const lanes = [...byLane.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([lane, l]) => ({ lane, channel: l.channel, series: new ArraySeries(l.points) }));
  const starts = lanes.flatMap((l) => l.series.points.map((p) => p.tSec));
  if (starts.length === 0) throw new ReviewFileError(name, "holds no frames");
  triggers.sort((a, b) => a.tSec - b.tSec);
  const startSec = Math.min(...starts);
  const endSec = Math.max(...starts) + (session.hopSec ?? session.windowSec);
  return { name, kind, session, lanes, triggers, startSec, endSec, partialTail };
}

/** Seconds of history replayed for the peak hold at a cursor (hold 1.5 s + a full fall at 0.5/s). */
const PEAK_REPLAY_SEC = 4;

/** What the page shows with the cursor at `tSec` (seconds): the newest window starting at or before it. */
export function reviewView(rec: Recording, tSec: number): ViewState {
  const n = rec.session.labels.length;
  const lanes = rec.lanes.map((l) => {
    const p = l.series.at(tSec);
    const peak = new PeakHold(n);
    l.series.forEachInRange(tSec - PEAK_REPLAY_SEC, tSec, (q) => q.tSec <= tSec && peak.update(q.smoothed, q.tSec));
    const peaks = peak.values();
    return {
      lane: l.lane,
      channel: l.channel,
      tSec: p?.tSec ?? null,
      levels: peaks.map((pk, c) => ({
        value: p?.smoothed[c] ?? 0,
        raw: p?.raw[c] ?? 0,
        peak: Math.max(pk, p?.smoothed[c] ?? 0),
        active: p?.active[c] === 1,
      })),
    };
  });
  const past = rec.triggers.filter((t) => t.tSec <= tSec);
  const inside = new Map<string, Map<number, number | null>>();
  for (const t of past) {
    const m = inside.get(t.rule) ?? new Map<number, number | null>();
    if (t.edge === "enter") m.set(t.lane, t.channel);
    else m.delete(t.lane);
    inside.set(t.rule, m);
  }
  return {
    session: rec.session,
    lanes,
    triggers: past.slice(-TRIGGER_LOG_SIZE).reverse(),
    lamps: lampsFrom(rec.session.rules, inside),
    series: rec.lanes.map((l) => l.series),
  };
}
