/**
 * `timbrescope metrics`: the paper's evaluation (LRAP micro/macro, per-class and mean AUC, P/R/F1,
 * best-F1 thresholds, FP-vs-FN confusion) on saved scores and labels (.npy), at a chosen time
 * resolution. Every input mistake (shapes, non-0/1 labels, NaN scores, non-contiguous tracks, bad
 * flags) becomes a one-line UserError naming the file and what was received.
 */
import type { Command } from "commander";
import { CLASSES, N_CLASSES, findClass } from "../data/classes.js";
import { UserError } from "../errors.js";
import { computeReport } from "../evaluate/metrics.js";
import type { MetricsReport } from "../evaluate/metrics.js";
import { readNpy } from "../io/npy.js";
import type { NpyArray } from "../io/npy.js";
import { findTrackBreak, matrix, parseResolution } from "../post/aggregate.js";
import type { Matrix, Resolution } from "../post/aggregate.js";

interface MetricsOptions {
  scores: string;
  labels: string;
  tracks?: string;
  resolution: string;
  classes?: string;
  thresholds?: string;
  json?: boolean;
}

/** Where the command prints its result (tests may replace it). Default: process.stdout. */
export type OutputWriter = (text: string) => void;

/**
 * Registers `metrics`. `write` receives the JSON or the table (default: process.stdout).
 * Column selection: when the scores have the paper's 18 columns and `--classes` lists fewer names
 * that are all known classes (id, MedleyDB label or display name), only those columns are evaluated,
 * in the order given; otherwise `--classes` must name every column.
 */
export function registerMetrics(program: Command, write: OutputWriter = (t) => void process.stdout.write(t)): void {
  program
    .command("metrics")
    .description("LRAP, ROC-AUC, P/R/F1, best-F1 thresholds and FP/FN confusion of saved scores vs labels")
    .addHelpText(
      "after",
      "\nExample:\n  $ timbrescope metrics --scores scores.npy --labels labels.npy --tracks tracks.npy --resolution 5 --json\n",
    )
    .requiredOption("--scores <file>", "scores .npy, float [N, C] (one row per 1 s window)")
    .requiredOption("--labels <file>", "labels .npy, 0/1 [N, C]")
    .option("--tracks <file>", "track ids .npy, int [N], each track's rows contiguous (default: one track)")
    .option("--resolution <r>", "max-pool scores and labels to 1|5|10 s or per track", "1")
    .option("--classes <names>", "comma-separated column names, or a subset of the 18 class ids to select columns")
    .option("--thresholds <file>", "per-class thresholds .npy, float [C] (default 0.5)")
    .option("--json", "print JSON instead of a table")
    .action(async (opts: MetricsOptions) => {
      const report = await runMetrics(opts);
      write(opts.json === true ? JSON.stringify(toJson(report.names, report.report)) + "\n" : formatTable(report.names, report.report));
    });
}

async function runMetrics(opts: MetricsOptions): Promise<{ names: string[]; report: MetricsReport }> {
  const resolution = parseResolution(opts.resolution);
  if (resolution === undefined) throw new UserError(`Expected --resolution 1|5|10|track, got "${opts.resolution}"`);
  const [scoresNpy, labelsNpy] = await Promise.all([readNpy(opts.scores), readNpy(opts.labels)]);
  const [n, c] = checkScores(opts.scores, scoresNpy);
  checkLabels(opts, scoresNpy, labelsNpy);
  const trackIds = opts.tracks === undefined ? undefined : checkTracks(opts, n, await readNpy(opts.tracks));
  const { names, columns } = resolveClasses(opts.classes, c, opts.scores);
  let thresholds = opts.thresholds === undefined ? undefined : checkThresholds(opts.thresholds, await readNpy(opts.thresholds), c, columns);
  let scores: Matrix = matrix(scoresNpy.data, n, c);
  let labels: Matrix = matrix(labelsNpy.data, n, c);
  if (columns !== undefined) {
    scores = selectColumns(scores, columns);
    labels = selectColumns(labels, columns);
    if (thresholds !== undefined && thresholds.length === c) thresholds = columns.map((k) => thresholds?.[k] as number);
  }
  const input = trackIds === undefined ? { scores, labels } : { scores, labels, trackIds };
  return { names, report: computeReport(input, thresholds === undefined ? { resolution } : { resolution, thresholds }) };
}

const shapeText = (a: NpyArray): string => `(${a.shape.join(", ")})`;

function checkScores(path: string, a: NpyArray): [rows: number, cols: number] {
  const [n, c] = a.shape;
  if (a.shape.length !== 2 || n === undefined || c === undefined)
    throw new UserError(`scores ${path}: expected shape [N, C], got ${shapeText(a)}`);
  if (n === 0 || c === 0) throw new UserError(`scores ${path}: nothing to evaluate, shape ${shapeText(a)}`);
  const bad = a.data.findIndex((v) => Number.isNaN(v));
  if (bad >= 0) throw new UserError(`scores ${path}: NaN at row ${Math.floor(bad / c)}, column ${bad % c}`);
  return [n, c];
}

function checkLabels(opts: MetricsOptions, scores: NpyArray, labels: NpyArray): void {
  const same = labels.shape.length === scores.shape.length && labels.shape.every((d, i) => d === scores.shape[i]);
  if (!same)
    throw new UserError(`labels ${opts.labels} has shape ${shapeText(labels)} but scores ${opts.scores} has shape ${shapeText(scores)}`);
  const c = scores.shape[1] as number;
  const bad = labels.data.findIndex((v) => v !== 0 && v !== 1);
  if (bad >= 0) {
    throw new UserError(
      `labels ${opts.labels}: expected only 0/1 values, got ${labels.data[bad]} at row ${Math.floor(bad / c)}, column ${bad % c}`,
    );
  }
}

function checkTracks(opts: MetricsOptions, rows: number, a: NpyArray): Int32Array {
  const path = opts.tracks as string;
  if (a.shape.length !== 1 || a.shape[0] !== rows) {
    throw new UserError(`tracks ${path} has shape ${shapeText(a)} but scores ${opts.scores} has ${rows} rows (expected shape (${rows}))`);
  }
  const bad = a.data.findIndex((v) => !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31);
  if (bad >= 0) throw new UserError(`tracks ${path}: expected int32 track ids, got ${a.data[bad]} at row ${bad}`);
  const ids = Int32Array.from(a.data);
  const brk = findTrackBreak(ids);
  if (brk !== undefined) {
    throw new UserError(
      `tracks ${path}: track id ${brk.trackId} reappears at row ${brk.row} after its rows ended at row ${brk.firstRunEnd}; each track's rows must be contiguous`,
    );
  }
  return ids;
}

function checkThresholds(path: string, a: NpyArray, cols: number, columns: number[] | undefined): number[] {
  const allowed = columns === undefined || columns.length === cols ? [cols] : [cols, columns.length];
  if (a.shape.length !== 1 || !allowed.includes(a.shape[0] as number)) {
    throw new UserError(`thresholds ${path}: expected shape (${allowed.join(") or (")}), got ${shapeText(a)}`);
  }
  const bad = a.data.findIndex((v) => Number.isNaN(v));
  if (bad >= 0) throw new UserError(`thresholds ${path}: NaN at index ${bad}`);
  return Array.from(a.data);
}

/** Names the columns; returns the selected column indices when `--classes` selects a subset of the 18 classes. */
function resolveClasses(arg: string | undefined, cols: number, scoresPath: string): { names: string[]; columns: number[] | undefined } {
  if (arg === undefined) {
    const names = cols === N_CLASSES ? CLASSES.map((k) => k.id) : Array.from({ length: cols }, (_, i) => `c${i}`);
    return { names, columns: undefined };
  }
  const names = arg.split(",").map((s) => s.trim());
  if (names.some((s) => s.length === 0)) throw new UserError(`--classes has an empty name: "${arg}"`);
  const dup = names.find((s, i) => names.indexOf(s) !== i);
  if (dup !== undefined) throw new UserError(`--classes names "${dup}" twice: "${arg}"`);
  if (names.length === cols) return { names, columns: undefined };
  const known = names.map((s) => findClass(s));
  if (cols === N_CLASSES && names.length < cols) {
    const unknown = names.find((_, i) => known[i] === undefined);
    if (unknown === undefined) {
      const picked = known as NonNullable<(typeof known)[number]>[];
      const ids = picked.map((k) => k.id);
      const again = ids.find((s, i) => ids.indexOf(s) !== i);
      if (again !== undefined) throw new UserError(`--classes selects class "${again}" twice: "${arg}"`);
      return { names: ids, columns: picked.map((k) => k.index) };
    }
    throw new UserError(
      `--classes lists ${names.length} names for the ${cols} columns of scores ${scoresPath}, and "${unknown}" is not a class id to select (known: ${CLASSES.map((k) => k.id).join(",")})`,
    );
  }
  throw new UserError(`--classes lists ${names.length} names but scores ${scoresPath} has ${cols} columns`);
}

function selectColumns(m: Matrix, columns: readonly number[]): Matrix {
  const out = new Float64Array(m.rows * columns.length);
  for (let r = 0; r < m.rows; r++) {
    columns.forEach((col, k) => {
      out[r * columns.length + k] = m.data[r * m.cols + col] as number;
    });
  }
  return matrix(out, m.rows, columns.length);
}

/** The JSON document (first keys fixed by the CLI contract; the rest are extras). */
function toJson(names: string[], r: MetricsReport): Record<string, unknown> {
  return {
    resolution: r.resolution,
    rows: r.rows,
    classes: names,
    lrapMicro: r.lrapMicro,
    lrapMacro: r.lrapMacro,
    aucPerClass: r.aucPerClass,
    meanAuc: r.meanAuc,
    nDefinedClasses: r.nDefinedClasses,
    bestF1: r.bestF1,
    prf: { thresholds: r.thresholds, ...r.prf },
    confusion: r.confusion.matrix,
    confusionRowTotals: r.confusion.rowTotals,
    confusionFpWindows: r.confusion.fpWindows,
    tracks: r.tracks,
  };
}

const fmt = (v: number | null, digits = 3): string => (v === null ? "-" : v.toFixed(digits));

function formatTable(names: string[], r: MetricsReport): string {
  const w = Math.max(5, ...names.map((s) => s.length));
  const cols = ["AUC", "thr", "P", "R", "F1", "support", "bestThr", "bestF1"];
  const lines = [`${"class".padEnd(w)}  ${cols.map((s) => s.padStart(7)).join(" ")}`];
  names.forEach((name, c) => {
    const best = r.bestF1[c];
    const cells = [
      fmt(r.aucPerClass[c] ?? null),
      fmt(r.thresholds[c] ?? null),
      fmt(r.prf.precision[c] ?? null),
      fmt(r.prf.recall[c] ?? null),
      fmt(r.prf.f1[c] ?? null),
      String(r.prf.support[c] ?? "-"),
      fmt(best?.threshold ?? null),
      fmt(best?.f1 ?? null),
    ];
    lines.push(`${name.padEnd(w)}  ${cells.map((s) => s.padStart(7)).join(" ")}`);
  });
  const res = resolutionText(r.resolution);
  lines.push(
    "",
    `resolution ${res}: ${r.rows} rows in ${r.tracks} track(s)`,
    `LRAP micro ${fmt(r.lrapMicro, 4)}  macro ${fmt(r.lrapMacro, 4)}`,
    `mean AUC ${fmt(r.meanAuc, 4)} over ${r.nDefinedClasses} of ${names.length} classes`,
    `micro P/R/F1 ${fmt(r.prf.micro.precision)}/${fmt(r.prf.micro.recall)}/${fmt(r.prf.micro.f1)}  macro ${fmt(r.prf.macro.precision)}/${fmt(r.prf.macro.recall)}/${fmt(r.prf.macro.f1)}  samples ${fmt(r.prf.samples.precision)}/${fmt(r.prf.samples.recall)}/${fmt(r.prf.samples.f1)}`,
    "(--json adds the FP/FN confusion matrix)",
  );
  return lines.join("\n") + "\n";
}

const resolutionText = (r: Resolution): string => (r === "track" ? "track" : `${r} s`);
