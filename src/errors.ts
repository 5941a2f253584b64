/**
 * Errors a user can cause and fix (bad file, bad flag, bad model). The CLI prints their message as
 * one line on stderr, without a stack trace, and exits non-zero. Messages name the thing that was
 * wrong and what was received, e.g. `Expected --resolution 1|5|10|track, got "3"`.
 */
export class UserError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "UserError";
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A problem with an input file (missing, unreadable, truncated, empty, unsupported). */
export class InputFileError extends UserError {
  readonly path: string;
  constructor(path: string, problem: string, options: { cause?: unknown } = {}) {
    super(`${path}: ${problem}`, options);
    this.name = "InputFileError";
    this.path = path;
  }
}

/** Returns the message of any thrown value as one line. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/g, " ").trim();
}
