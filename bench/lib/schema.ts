/**
 * The shape of bench/results.json (schema "timbrescope-bench", version 1) and a validator that
 * names the first bad field. Times are seconds or milliseconds as the field name says; memory in
 * MiB; rates per second of wall time; `realTimeFactor` = audio seconds per wall second. A figure
 * that could not be computed (NaN) is written as null.
 */

/** The machine the run was on. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly totalMemGiB: number;
  readonly nodeVersion: string;
  readonly platform: string;
  /** 1-minute load average when the run started (other jobs on the machine show up here). */
  readonly loadAvg1: number;
  /** ISO 8601 start time of the run. */
  readonly date: string;
  readonly gitCommit: string | null;
}

/** A throughput figure for one implementation. */
export interface RateFigure {
  readonly name: string;
  readonly seconds: number;
  /** Audio processed, seconds. */
  readonly audioSec: number;
  /** STFT frames (1024-sample windows) per second. */
  readonly framesPerSec: number;
  readonly realTimeFactor: number;
  readonly note: string;
}

export interface MelResults {
  readonly trackSec: number;
  readonly frames: number;
  readonly ours: RateFigure;
  readonly oursWindow: RateFigure;
  readonly essentia: RateFigure | null;
  readonly essentiaSpectrumOnly: RateFigure | null;
  readonly numpy: RateFigure | null;
  /** Largest |ours - NumPy| over the whole [96, T] dB matrix (proves it is the same recipe). */
  readonly numpyMaxAbsDb: number | null;
  readonly numpyInfo: string;
}

export interface SgemmFigure {
  readonly n: number;
  readonly threads: number;
  readonly gflops: number;
  readonly info: string;
}

/** Inference of one network on one backend. */
export interface InferenceRow {
  readonly arch: string;
  readonly widthScale: number;
  /** "random" (buildModel, random weights) or the model folder timed through analyze's scorer. */
  readonly source: string;
  readonly backend: string;
  readonly params: number;
  readonly mflopsPerWindow: number;
  /** ms per window at batch 1 and batch 32 (null: not measured, see skipped). */
  readonly batch1Ms: number | null;
  readonly batch32MsPerWindow: number | null;
  readonly gflopsBatch32: number | null;
  /** gflopsBatch32 / the 2-thread sgemm peak. */
  readonly peakFraction: number | null;
  readonly skipped: string | null;
}

export interface AnalyzeRun {
  readonly audioSec: number;
  readonly wallSec: number;
  readonly realTimeFactor: number;
  readonly peakRssMiB: number;
}

export interface AnalyzeResults {
  readonly fourMinute: AnalyzeRun;
  readonly scaling: readonly AnalyzeRun[];
  /** wallSec = interceptSec + slopeSecPerMin * minutes. */
  readonly fit: { readonly interceptSec: number; readonly slopeSecPerMin: number; readonly r2: number; readonly maxResidualPct: number };
}

export interface LatencyFigure {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

export interface LiveRunResult {
  readonly label: string;
  readonly hopSec: number;
  readonly wsClient: boolean;
  readonly audioSec: number;
  /** Window's last sample captured -> its OSC bundle received by the bench (time tag vs arrival). */
  readonly oscLatencyMs: LatencyFigure;
  /** The pipeline's own figure (frame handed to the sinks), when it reported one. */
  readonly pipelineLatencyMs: { readonly p50: number; readonly p95: number; readonly p99: number } | null;
  /** Median over the status messages of the scorer worker's p50 time per batch (mel + network), ms; WS runs only. */
  readonly scorerMsP50: number | null;
  /** CPU time / wall time after the first frame, % of one core (all threads). */
  readonly cpuPercent: number;
  readonly peakRssMiB: number;
  readonly droppedWindows: number | null;
}

export interface TrainingRow {
  readonly arch: string;
  readonly widthScale: number;
  readonly backend: string;
  readonly workers: number;
  readonly samplesPerSec: number | null;
  readonly msPerStep: number | null;
  readonly peakRssMiB: number | null;
  readonly skipped: string | null;
}

/** One function's share of a CPU profile. */
export interface ProfileEntry {
  readonly functionName: string;
  /** Script URL and line, shortened to the project or package path. */
  readonly where: string;
  readonly selfPct: number;
}

export interface TargetResult {
  readonly id: string;
  readonly description: string;
  readonly value: number | null;
  readonly threshold: number;
  readonly unit: string;
  /** null when the figure could not be measured. */
  readonly met: boolean | null;
}

export interface BenchResults {
  readonly schema: "timbrescope-bench";
  readonly schemaVersion: 1;
  readonly mode: "full" | "quick";
  readonly machine: MachineInfo;
  readonly durationSec: number;
  /** The shipped model the live/analyze figures use. */
  readonly defaultModel: { readonly dir: string; readonly arch: string; readonly widthScale: number };
  readonly sgemm: { readonly twoThreads: SgemmFigure | null; readonly oneThread: SgemmFigure | null };
  readonly mel: MelResults | null;
  readonly inference: readonly InferenceRow[];
  readonly analyze: AnalyzeResults | null;
  readonly live: readonly LiveRunResult[];
  readonly training: readonly TrainingRow[];
  readonly peakRssMiB: {
    readonly training: number | null;
    readonly analyze: number | null;
    readonly analyzeMinutes: number | null;
    readonly live: number | null;
  };
  readonly targets: readonly TargetResult[];
  /** Top self-time functions of a `node --cpu-prof` run of analyze, when one was taken. */
  readonly profile: { readonly what: string; readonly top: readonly ProfileEntry[] } | null;
  /** Closing note: where the time goes for missed targets and what would close them. */
  readonly notes: readonly string[];
}

type Check = (v: unknown) => boolean;
const num: Check = (v) => typeof v === "number";
const str: Check = (v) => typeof v === "string";
const orNull =
  (c: Check): Check =>
  (v) =>
    v === null || c(v);
const arr: Check = (v) => Array.isArray(v);
const obj: Check = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

const TOP: Record<string, Check> = {
  schema: (v) => v === "timbrescope-bench",
  schemaVersion: (v) => v === 1,
  mode: (v) => v === "full" || v === "quick",
  machine: obj,
  durationSec: num,
  defaultModel: obj,
  sgemm: obj,
  mel: orNull(obj),
  inference: arr,
  analyze: orNull(obj),
  live: arr,
  training: arr,
  peakRssMiB: obj,
  targets: arr,
  profile: orNull(obj),
  notes: arr,
};
const MACHINE: Record<string, Check> = {
  cpuModel: str,
  cores: num,
  totalMemGiB: num,
  nodeVersion: str,
  platform: str,
  loadAvg1: num,
  date: str,
  gitCommit: orNull(str),
};
const TARGET: Record<string, Check> = {
  id: str,
  description: str,
  value: orNull(num),
  threshold: num,
  unit: str,
  met: (v) => v === null || typeof v === "boolean",
};

function checkFields(where: string, value: unknown, fields: Record<string, Check>): void {
  if (!obj(value)) throw new Error(`${where}: expected an object, got ${JSON.stringify(value)}`);
  const rec = value as Record<string, unknown>;
  for (const [k, check] of Object.entries(fields)) {
    if (!check(rec[k])) throw new Error(`${where}.${k}: unexpected value ${JSON.stringify(rec[k])}`);
  }
}

/** Checks that `value` has the shape of {@link BenchResults}; throws naming the first bad field. */
export function validateResults(value: unknown): BenchResults {
  checkFields("results", value, TOP);
  const r = value as BenchResults;
  checkFields("results.machine", r.machine, MACHINE);
  r.targets.forEach((t, i) => checkFields(`results.targets[${i}]`, t, TARGET));
  r.notes.forEach((n, i) => {
    if (!str(n)) throw new Error(`results.notes[${i}]: expected a string, got ${JSON.stringify(n)}`);
  });
  return r;
}
