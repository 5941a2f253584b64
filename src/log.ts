/**
 * The one logger. Library code never calls `console.*`; it logs here, and the CLI decides where it
 * goes (stderr by default, silenced by --quiet, verbose with TIMBRESCOPE_LOG=debug).
 */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export type LogWriter = (line: string) => void;

let level: LogLevel = parseLevel(process.env["TIMBRESCOPE_LOG"]) ?? "info";
let writer: LogWriter = (line) => process.stderr.write(line + "\n");

function parseLevel(v: string | undefined): LogLevel | undefined {
  return v !== undefined && v in ORDER ? (v as LogLevel) : undefined;
}

/** Sets the minimum level that is written. */
export function setLogLevel(l: LogLevel): void {
  level = l;
}
/** Replaces the output (tests capture log lines this way). Returns the previous writer. */
export function setLogWriter(w: LogWriter): LogWriter {
  const prev = writer;
  writer = w;
  return prev;
}

function emit(l: LogLevel, msg: string): void {
  if (ORDER[l] >= ORDER[level]) writer(l === "info" ? msg : `${l}: ${msg}`);
}

export const log = {
  debug: (msg: string): void => emit("debug", msg),
  info: (msg: string): void => emit("info", msg),
  warn: (msg: string): void => emit("warn", msg),
  error: (msg: string): void => emit("error", msg),
};
