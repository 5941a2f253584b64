/**
 * The hop: seconds between the starts of consecutive 1 s model windows. Its default per mode, its
 * parsing from a flag and its range check live here, and only here: the CLI (`analyze --hop`,
 * `live --hop`), the pipelines (Windower, offline) and the bridge's `set-hop` control all use it.
 *
 * Range: (0, window length] seconds, and at least one analysis sample (a shorter hop would start
 * several windows on the same sample). With the paper's front-end that is (0, 1] s.
 */
import { UserError } from "../errors.js";
import { DEFAULT_MEL_PARAMS } from "../features/params.js";
import type { MelParams } from "../features/params.js";

/** What decides the hop's length range: the window length and the analysis rate. */
export type HopWindow = Pick<MelParams, "windowSamples" | "sampleRateHz">;

/** Default hop per mode, seconds: 4 windows per second live; the paper's non-overlapping windows offline. */
export const DEFAULT_HOP_SEC: Readonly<{ live: number; offline: number }> = Object.freeze({ live: 0.25, offline: 1 });

/** Which default applies: `live` (the bridge, the Windower) or `offline` (`analyze`, the offline pipeline). */
export type HopMode = keyof typeof DEFAULT_HOP_SEC;

/** Longest hop, seconds: one window (1 s with the default front-end). */
export function maxHopSec(p: HopWindow = DEFAULT_MEL_PARAMS): number {
  return p.windowSamples / p.sampleRateHz;
}

/** True for a finite hop in (0, window length] seconds that spans at least one analysis sample. */
export function isHopSec(v: unknown, p: HopWindow = DEFAULT_MEL_PARAMS): boolean {
  return typeof v === "number" && Number.isFinite(v) && v > 0 && v <= maxHopSec(p) && v * p.sampleRateHz >= 1;
}

/**
 * Checks a hop given in code (options of the pipelines); returns it.
 * @throws RangeError `Expected hopSec in (0, 1] seconds, got 1.5`
 */
export function checkHopSec(hopSec: number, p: HopWindow = DEFAULT_MEL_PARAMS): number {
  if (!isHopSec(hopSec, p)) throw new RangeError(`Expected hopSec in (0, ${maxHopSec(p)}] seconds, got ${hopSec}`);
  return hopSec;
}

/**
 * Checks a hop asked for at run time (the `set-hop` control); returns it.
 * @throws UserError `Expected a hop in (0, 1] seconds, got 1.5`
 */
export function checkHopControl(hopSec: number, p: HopWindow = DEFAULT_MEL_PARAMS): number {
  if (!isHopSec(hopSec, p)) throw new UserError(`Expected a hop in (0, ${maxHopSec(p)}] seconds, got ${hopSec}`);
  return hopSec;
}

/**
 * Parses a `--hop SEC` flag; undefined gives the mode's default.
 * @param text  the flag's value as typed
 * @param mode  whose default applies when the flag is absent
 * @param flag  the flag's name in messages (default "--hop")
 * @throws UserError naming the flag and what was typed, e.g. `Expected --hop in (0, 1] seconds, got "2"`
 */
export function parseHopFlag(text: string | undefined, mode: HopMode, flag = "--hop", p: HopWindow = DEFAULT_MEL_PARAMS): number {
  if (text === undefined) return DEFAULT_HOP_SEC[mode];
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || v <= 0)
    throw new UserError(`Expected ${flag} a positive number (seconds), got "${text}"`);
  if (!isHopSec(v, p)) throw new UserError(`Expected ${flag} in (0, ${maxHopSec(p)}] seconds, got "${text}"`);
  return v;
}
