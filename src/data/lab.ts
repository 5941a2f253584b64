/**
 * The activation-confidence `.lab` format (docs/datasets.md §4): CSV with a header
 * `time,S01,S02,...`, one row every 2048/44100 s, values printed with `%.4f`
 * (MedleyDB `write_activations_to_csv`: `np.savetxt(..., fmt='%.4f', comments='')`).
 *
 * Columns are named after stems and must be joined to the YAML BY NAME: six MedleyDB `original`
 * files lack a column or carry one the YAML does not have. The parser therefore keeps the header
 * as written and lets the labeller do the join.
 */
import { readFile } from "node:fs/promises";
import { InputFileError } from "../errors.js";

/** A parsed `.lab` file, column-major. */
export interface LabTable {
  /** Column names after `time`, as written (`S01`, `S02`, ...). */
  readonly columns: readonly string[];
  /** Row times in seconds, as written. */
  readonly times: Float64Array;
  /** One array per column, same order as `columns`, each `times.length` long. */
  readonly values: readonly Float64Array[];
}

/** Suffix of activation-confidence file names. */
export const LAB_SUFFIX = "_ACTIVATION_CONF.lab";

/** Reads and parses one `.lab` file. Throws InputFileError naming the file and the line. */
export async function readLab(path: string): Promise<LabTable> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new InputFileError(path, `cannot read activation confidence (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return parseLab(text, path);
}

/**
 * Parses `.lab` text. `path` only names the file in errors. Requires a `time` first header
 * cell, unique column names, at least one data row, the same field count on every row,
 * finite numbers and non-decreasing times. Values are NOT range-checked: the zero-phase
 * filter undershoots below C(H=0) = 0.0474 (docs/datasets.md §4).
 */
export function parseLab(text: string, path: string): LabTable {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === "") lines.pop();
  const header = (lines[0] ?? "").split(",").map((s) => s.trim());
  if (header[0] !== "time") {
    throw new InputFileError(path, `line 1: expected a header starting with "time", got "${truncate(lines[0] ?? "")}"`);
  }
  const columns = header.slice(1);
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === "") throw new InputFileError(path, "line 1: empty column name in the header");
    if (seen.has(c)) throw new InputFileError(path, `line 1: duplicate column "${c}"`);
    seen.add(c);
  }
  const nRows = lines.length - 1;
  if (nRows < 1) throw new InputFileError(path, "no data rows after the header");
  const width = header.length;
  const times = new Float64Array(nRows);
  const values = columns.map(() => new Float64Array(nRows));
  for (let r = 0; r < nRows; r++) {
    const line = lines[r + 1] ?? "";
    const cells = line.split(",");
    if (cells.length !== width) {
      throw new InputFileError(path, `line ${r + 2}: expected ${width} fields, got ${cells.length}`);
    }
    for (let j = 0; j < width; j++) {
      const cell = cells[j] ?? "";
      const v = Number(cell);
      if (!Number.isFinite(v) || cell.trim() === "") {
        throw new InputFileError(path, `line ${r + 2}, field ${j + 1}: expected a number, got "${truncate(cell)}"`);
      }
      if (j === 0) times[r] = v;
      else (values[j - 1] as Float64Array)[r] = v;
    }
    if (r > 0 && (times[r] as number) < (times[r - 1] as number)) {
      throw new InputFileError(path, `line ${r + 2}: time ${times[r]} is before the previous row's ${times[r - 1]}`);
    }
  }
  return { columns, times, values };
}

/**
 * Formats a table as `.lab` text exactly like MedleyDB's writer: header `time,<columns>`,
 * every number `%.4f`, rows joined with `\n`, trailing newline (np.savetxt).
 */
export function formatLab(table: LabTable): string {
  const out: string[] = [["time", ...table.columns].join(",")];
  const n = table.times.length;
  for (let r = 0; r < n; r++) {
    const cells = [formatFixed4(table.times[r] as number)];
    for (const col of table.values) cells.push(formatFixed4(col[r] as number));
    out.push(cells.join(","));
  }
  return out.join("\n") + "\n";
}

/**
 * `%.4f` as C/Python print it. `toFixed` already rounds the exact binary value, but breaks exact
 * ties upwards where printf rounds half to even. An exact tie at 4 decimals needs
 * x = (2n+1)/20000 to be a double, i.e. x·32 an odd integer, so only those values need care.
 */
export function formatFixed4(x: number): string {
  const s = x.toFixed(4);
  const x32 = x * 32; // exact: multiplying by a power of two
  if (Number.isInteger(x32) && Math.abs(x32 % 2) === 1) {
    const down = (Math.sign(x) * Math.floor(Math.abs(x) * 1e4)) / 1e4;
    const up = (Math.sign(x) * Math.ceil(Math.abs(x) * 1e4)) / 1e4;
    const lastDigitEven = (v: number): boolean => Math.round(Math.abs(v) * 1e4) % 2 === 0;
    return (lastDigitEven(down) ? down : up).toFixed(4);
  }
  return s;
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}
