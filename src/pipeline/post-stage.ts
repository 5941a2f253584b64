/**
 * The post-processing stage shared by the live and offline pipelines: per lane, raw scores ->
 * ballistics -> hysteresis (model thresholds, config overrides, mutes) -> trigger rules. Also the
 * one place live control commands (thresholds, smoothing, mute) are applied, to every lane.
 */
import { UserError } from "../errors.js";
import { labelIndex, resolveRule } from "../config/post-config.js";
import type { PostConfig } from "../config/post-config.js";
import { DEFAULT_POST_CONFIG } from "../config/post-config.js";
import { Ballistics } from "../post/ballistics.js";
import type { BallisticsTimes } from "../post/ballistics.js";
import { Hysteresis } from "../post/hysteresis.js";
import { TriggerSet } from "../post/triggers.js";
import type { TriggerEvent, TriggerRule } from "../post/triggers.js";

/** A change requested at run time (WS control messages, OSC control input). */
export type PostControl =
  | { readonly type: "set-threshold"; readonly label: string; readonly value: number }
  | { readonly type: "set-smoothing"; readonly attackSec: number; readonly releaseSec: number; readonly label?: string }
  | { readonly type: "mute"; readonly label: string; readonly muted: boolean };

/** Any run-time command: post-processing changes plus recording on/off. */
export type LiveControl = PostControl | { readonly type: "record"; readonly on: boolean };

/** Applies a command; throws UserError (one line) when it is invalid. */
export type ControlHandler = (cmd: LiveControl) => void;

/** Run-time settings of the post stage: what control commands change (a UI's hello shows them). */
export interface PostSettings {
  /** Thresholds in effect, one per label. */
  readonly thresholds: number[];
  /** Mute flags in effect, one per label. */
  readonly muted: boolean[];
  /** Ballistics in effect for all classes, seconds (per-class changes are not reflected here). */
  readonly smoothing: BallisticsTimes;
}

/** Output of one post step. */
export interface PostResult {
  readonly smoothed: Float32Array;
  readonly active: Uint8Array;
  readonly triggers: TriggerEvent[];
}

interface LanePost {
  readonly ballistics: Ballistics;
  readonly hysteresis: Hysteresis;
  readonly triggers: TriggerSet;
}

/** Post-processing for `lanes` independent streams of scores over `labels`. */
export class PostStage {
  readonly labels: readonly string[];
  readonly rules: readonly TriggerRule[];
  private readonly lanes: LanePost[];
  /** Ballistics last set for all classes (the config's, or a set-smoothing without a label). */
  private allSmoothing: BallisticsTimes;

  /**
   * @param labels      the scorer's labels
   * @param thresholds  the scorer's thresholds (overridden per class by config.thresholds)
   * @param lanes       number of independent streams (1 for the mix)
   * @throws UserError when the config names a class the model does not output
   */
  constructor(labels: readonly string[], thresholds: ArrayLike<number>, lanes: number, config: PostConfig = DEFAULT_POST_CONFIG) {
    this.labels = labels;
    this.allSmoothing = { attackSec: config.smoothing.attackSec, releaseSec: config.smoothing.releaseSec };
    const th = Float64Array.from(thresholds);
    for (const [id, v] of Object.entries(config.thresholds)) th[this.indexOf(id)] = v;
    const muted = config.mute.map((id) => this.indexOf(id));
    this.rules = config.rules.map((r) => resolveRule(r, labels));
    this.lanes = Array.from({ length: lanes }, () => {
      const hysteresis = new Hysteresis({ thresholds: th, band: config.hysteresis.band, minHoldSec: config.hysteresis.minHoldSec });
      for (const m of muted) hysteresis.setMuted(m, true);
      return { ballistics: new Ballistics(labels.length, config.smoothing), hysteresis, triggers: new TriggerSet(this.rules) };
    });
  }

  /** Processes one frame of lane `lane` at `tSec` (window start on the sample clock). */
  step(lane: number, raw: Float32Array, tSec: number): PostResult {
    const l = this.lanes[lane];
    if (l === undefined) throw new RangeError(`PostStage: no lane ${lane}`);
    const smoothed = l.ballistics.step(raw, tSec);
    const active = l.hysteresis.step(smoothed, tSec);
    return { smoothed, active, triggers: l.triggers.step(active, tSec) };
  }

  /** Thresholds in effect (lane 0; all lanes share them). */
  thresholds(): number[] {
    return Array.from((this.lanes[0] as LanePost).hysteresis.getThresholds());
  }

  /** Mute flags in effect. */
  muted(): boolean[] {
    return Array.from((this.lanes[0] as LanePost).hysteresis.getMuted(), (m) => m === 1);
  }

  /** Ballistics in effect for all classes, seconds (per-class changes are not reflected here). */
  smoothing(): BallisticsTimes {
    return this.allSmoothing;
  }

  /** Thresholds, mutes and all-class smoothing in effect. */
  settings(): PostSettings {
    return { thresholds: this.thresholds(), muted: this.muted(), smoothing: this.smoothing() };
  }

  /**
   * Applies a control command to every lane.
   * @throws UserError for an unknown class or a value out of range
   */
  control(cmd: PostControl): void {
    try {
      if (cmd.type === "set-threshold") {
        const i = this.indexOf(cmd.label);
        for (const l of this.lanes) l.hysteresis.setThreshold(i, cmd.value);
      } else if (cmd.type === "mute") {
        const i = this.indexOf(cmd.label);
        for (const l of this.lanes) l.hysteresis.setMuted(i, cmd.muted);
      } else {
        const i = cmd.label === undefined ? undefined : this.indexOf(cmd.label);
        const times = { attackSec: cmd.attackSec, releaseSec: cmd.releaseSec };
        for (const l of this.lanes) l.ballistics.setTimes(times, i);
        if (i === undefined) this.allSmoothing = times;
      }
    } catch (err) {
      if (err instanceof RangeError) throw new UserError(err.message);
      throw err;
    }
  }

  private indexOf(key: string): number {
    const i = labelIndex(this.labels, key);
    if (i < 0) throw new UserError(`Expected a class the model outputs, got "${key}"`);
    return i;
  }
}
