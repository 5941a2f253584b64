/**
 * Progress bars for long work (cli-progress). On a terminal: a live bar with ETA. Elsewhere (CI,
 * pipes) the bar is silent so logs stay readable; `done()` always prints a one-line summary.
 */
import cliProgress from "cli-progress";
import { log } from "../log.js";
import type { Progress } from "../progress.js";

export type { Progress } from "../progress.js";

/** Creates a progress bar over `total` units labelled `label` (units named by `unit`); a ProgressFactory. */
export function progressBar(label: string, total: number, unit = "items"): Progress {
  const quiet = process.env["TIMBRESCOPE_LOG"] === "error" || process.env["TIMBRESCOPE_LOG"] === "silent";
  if (!process.stderr.isTTY || quiet) {
    return {
      tick: () => undefined,
      done: (summary) => {
        if (summary !== undefined) log.info(summary);
      },
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted} {note}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { note: "" });
  let value = 0;
  return {
    tick(n = 1, note = "") {
      value += n;
      bar.update(value, { note });
    },
    done(summary) {
      bar.stop();
      if (summary !== undefined) log.info(summary);
    },
  };
}
