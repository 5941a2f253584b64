/**
 * Progress bars for long work (cli-progress). On a terminal: a live bar with ETA. Elsewhere (CI,
 * pipes, a background job's log file) no bar: one plain line at each tenth of the work reached at
 * least {@link LOG_GAP_MS} after the previous line (so short work prints none, and a 20-minute
 * epoch prints about ten); `done()` always prints a one-line summary.
 */
import cliProgress from "cli-progress";
import { log } from "../log.js";
import type { Progress } from "../progress.js";

export type { Progress } from "../progress.js";

/** Creates a progress bar over `total` units labelled `label` (units named by `unit`); a ProgressFactory. */
export function progressBar(label: string, total: number, unit = "items"): Progress {
  const quiet = process.env["TIMBRESCOPE_LOG"] === "error" || process.env["TIMBRESCOPE_LOG"] === "silent";
  if (quiet) {
    return {
      tick: () => undefined,
      done: (summary) => {
        if (summary !== undefined) log.info(summary);
      },
    };
  }
  if (!process.stderr.isTTY) return progressLines(label, total, unit);
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

/** Least time between two progress lines off a terminal. */
export const LOG_GAP_MS = 30_000;

function formatDuration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/**
 * Progress as log lines (see the module doc): `label: 40 % (12000/30000 windows), 6m10s left`.
 * `now` is the clock in ms (injected by tests).
 */
export function progressLines(label: string, total: number, unit: string, now: () => number = Date.now, gapMs = LOG_GAP_MS): Progress {
  const start = now();
  let last = start;
  let value = 0;
  let tenth = 0;
  return {
    tick(n = 1) {
      value += n;
      const reached = total > 0 ? Math.floor((10 * Math.min(value, total)) / total) : 0;
      if (reached <= tenth) return;
      tenth = reached;
      const t = now();
      if (t - last < gapMs || value >= total) return;
      last = t;
      const left = ((t - start) / 1000) * ((total - value) / value);
      log.info(`${label}: ${reached * 10} % (${value}/${total} ${unit}), ${formatDuration(left)} left`);
    },
    done(summary) {
      if (summary !== undefined) log.info(summary);
    },
  };
}
