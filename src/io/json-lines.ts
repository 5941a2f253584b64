/**
 * JSON Lines text split into parsed values, shared by the activity-log reader (node) and the UI's
 * review page (browser), so it imports nothing. A last line without its newline is reported as a
 * partial tail and skipped: writers put each record and its newline in one write, so only a
 * writer killed mid-line leaves one. Blank lines are skipped.
 */

/** One parsed line with its 1-based line number. */
export interface JsonLine {
  readonly lineNo: number;
  readonly value: unknown;
}

/** The parsed lines of a text. */
export interface JsonLines {
  readonly lines: JsonLine[];
  /** True when the text did not end with a newline and its last line was skipped. */
  readonly partialTail: boolean;
}

/**
 * Parses every complete line as JSON.
 * @param badLine builds the error thrown for a line that is not JSON (given its 1-based number)
 */
export function parseJsonLines(text: string, badLine: (lineNo: number) => Error): JsonLines {
  const raw = text.split("\n");
  const tail = raw.pop() ?? "";
  const lines: JsonLine[] = [];
  raw.forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw badLine(i + 1);
    }
    lines.push({ lineNo: i + 1, value });
  });
  return { lines, partialTail: tail.length > 0 };
}
