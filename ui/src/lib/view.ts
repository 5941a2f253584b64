/**
 * What the page shows, the same for live and review: a session (labels, thresholds, lanes, rules,
 * ...), per lane the latest levels, the trigger log and lamps, and a time series per lane for the
 * timeline. Live fills it from the bridge (live-store.ts), review from a file (review.ts).
 */
import type { Hello } from "../../../bridge/protocol.js";
import type { TimeSeries } from "./timeline.js";

/** Control types a bridge that does not say (hello without `controls`) is assumed to apply. */
export const V1_CONTROLS: readonly string[] = Object.freeze(["set-threshold", "set-smoothing", "mute", "record"]);

/** The run being shown. */
export interface SessionView {
  readonly modelId: string;
  /** Full class names (MedleyDB labels), in score order. */
  readonly labels: readonly string[];
  /** Short ids (OSC address parts), in score order. */
  readonly classIds: readonly string[];
  /** Sample clock of startSample, Hz. */
  readonly sampleRateHz: number;
  /** Capture rate, Hz (null: not known, e.g. an analyze file). */
  readonly inputRateHz: number | null;
  /** Seconds between windows (null: not known). */
  readonly hopSec: number | null;
  readonly windowSec: number;
  /** Input channel (0-based) per lane; [null] for the mix. */
  readonly lanes: readonly (number | null)[];
  readonly rules: readonly string[];
  readonly thresholds: readonly number[];
  readonly muted: readonly boolean[];
  readonly source: { readonly name: string; readonly kind: string; readonly channels: number } | null;
  /** null: no activity log. */
  readonly recording: boolean | null;
  readonly recordFile: string | null;
  /** null: the bridge does not say. */
  readonly oscTargets: readonly string[] | null;
  /** Ballistics for all classes, seconds; null: not known. */
  readonly smoothing: { readonly attackSec: number; readonly releaseSec: number } | null;
  /** Control message types the source applies (none in review). */
  readonly controls: readonly string[];
}

/** The session a hello describes. */
export function sessionFromHello(h: Hello): SessionView {
  return {
    modelId: h.modelId,
    labels: h.labels,
    classIds: h.classIds,
    sampleRateHz: h.sampleRateHz,
    inputRateHz: h.inputRateHz,
    hopSec: h.hopSec,
    windowSec: h.windowSec,
    lanes: h.lanes,
    rules: h.rules,
    thresholds: h.thresholds,
    muted: h.muted,
    source: h.source,
    recording: h.recording,
    recordFile: h.recordFile ?? null,
    oscTargets: h.oscTargets ?? null,
    smoothing: h.smoothing ?? null,
    controls: h.controls ?? V1_CONTROLS,
  };
}

/** One class on one lane's meter. */
export interface ClassLevel {
  /** Smoothed score, 0..1. */
  readonly value: number;
  readonly raw: number;
  /** Peak hold, 0..1. */
  readonly peak: number;
  readonly active: boolean;
}

/** A lane's meters. */
export interface LaneView {
  readonly lane: number;
  /** 0-based input channel, null for the mix. */
  readonly channel: number | null;
  /** Start of the latest window shown, seconds (null before the first frame). */
  readonly tSec: number | null;
  /** Per class, in score order. */
  readonly levels: readonly ClassLevel[];
}

/** One trigger edge. */
export interface TriggerEntry {
  /** Window start of the frame that fired it, seconds on the sample clock. */
  readonly tSec: number;
  readonly rule: string;
  readonly edge: "enter" | "exit";
  readonly lane: number;
  readonly channel: number | null;
}

/** A rule's lamp: lit while any lane is inside the rule. */
export interface LampView {
  readonly rule: string;
  readonly on: boolean;
  /** Channels (null: the mix) where the rule is entered. */
  readonly channels: readonly (number | null)[];
}

/** Everything the components draw. */
export interface ViewState {
  readonly session: SessionView | null;
  readonly lanes: readonly LaneView[];
  /** Newest first. */
  readonly triggers: readonly TriggerEntry[];
  readonly lamps: readonly LampView[];
  /** Per lane (same order as `lanes`), the history for the timeline. */
  readonly series: readonly TimeSeries[];
}

/** The `n` classes with the highest value on a lane among `visible` (class indices), highest first. */
export function topClasses(
  lane: LaneView,
  visible: readonly number[],
  n: number,
): { readonly index: number; readonly level: ClassLevel }[] {
  return visible
    .flatMap((index) => {
      const level = lane.levels[index];
      return level === undefined ? [] : [{ index, level }];
    })
    .sort((a, b) => b.level.value - a.level.value || a.index - b.index)
    .slice(0, n);
}

/** Lamps for `rules` from the set of lanes (with their channels) inside each rule. */
export function lampsFrom(rules: readonly string[], inside: ReadonlyMap<string, ReadonlyMap<number, number | null>>): LampView[] {
  return rules.map((rule) => {
    const lanes = inside.get(rule);
    const channels = lanes === undefined ? [] : [...lanes.values()];
    return { rule, on: channels.length > 0, channels };
  });
}
