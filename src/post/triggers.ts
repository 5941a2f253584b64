/**
 * Trigger rules as pure state machines over the per-class active flags.
 *
 * A rule's condition is true on a frame when every class in `all` is active, at least one class
 * in `any` is active (if `any` is non-empty) and no class in `none` is active. The machine is OFF
 * or ON; it fires "enter" on OFF -> ON and "exit" on ON -> OFF:
 *
 *   OFF -> ON   when the condition has held for >= minActiveSec (since the first frame of the
 *               current true run), it was false for >= minAbsentBeforeSec right before that run
 *               (the stream's start counts as the start of the false time), and at least
 *               cooldownSec have passed since the rule last exited;
 *   ON  -> OFF  when the condition has been false for >= releaseSec.
 *
 * Durations are differences of frame times on the sample clock (window start / rate), so with a
 * 0.25 s hop a 2 s rule whose condition turns true at t = 1.00 s fires on the frame at t = 3.00 s.
 * Examples: guitar-solo = any [distorted-guitar, clean-guitar], none [singers], minActiveSec 2;
 * drop = all [drums], minAbsentBeforeSec 4 (config/triggers.example.yaml).
 */

/** One rule with class lists already resolved to score indices. */
export interface TriggerRule {
  /** Rule name, used in OSC addresses (/timbrescope/trigger/<name>) and messages. */
  readonly name: string;
  readonly all: readonly number[];
  readonly any: readonly number[];
  readonly none: readonly number[];
  /** Condition must hold this long before "enter", seconds. Default 0. */
  readonly minActiveSec: number;
  /** Condition must have been false this long before its current true run, seconds. Default 0. */
  readonly minAbsentBeforeSec: number;
  /** Condition must be false this long before "exit", seconds. Default 0. */
  readonly releaseSec: number;
  /** No new "enter" until this long after the last "exit", seconds. Default 0. */
  readonly cooldownSec: number;
}

/** Which way a rule changed. */
export type TriggerEdge = "enter" | "exit";

/** A rule firing on a frame. */
export interface TriggerEvent {
  readonly rule: string;
  readonly edge: TriggerEdge;
  /** Frame time on the sample clock, seconds. */
  readonly tSec: number;
}

/** Evaluates a rule's condition on active flags (0/1 per class). */
export function ruleCondition(rule: TriggerRule, active: ArrayLike<number>): boolean {
  const on = (i: number): boolean => (active[i] ?? 0) > 0;
  return rule.all.every(on) && (rule.any.length === 0 || rule.any.some(on)) && !rule.none.some(on);
}

/** Small tolerance for comparing durations built from float frame times. */
const EPS = 1e-9;

/** The state machine of one rule. */
export class TriggerMachine {
  readonly rule: TriggerRule;
  private on = false;
  private cond = false;
  /** Start of the current true run of the condition, or NaN. */
  private trueSince = Number.NaN;
  /** Start of the current (or last) false run; the first frame's time before any true run. */
  private falseSince = Number.NaN;
  /** Length of the false run right before the current true run. */
  private absentBefore = 0;
  private lastExit = Number.NaN;

  constructor(rule: TriggerRule) {
    this.rule = rule;
  }

  /** True while the rule is ON. */
  get active(): boolean {
    return this.on;
  }

  /** Advances to the frame at `tSec` with the given active flags; returns the edge fired, if any. */
  step(active: ArrayLike<number>, tSec: number): TriggerEdge | null {
    const r = this.rule;
    if (Number.isNaN(this.falseSince)) this.falseSince = tSec;
    const c = ruleCondition(r, active);
    if (c && !this.cond) {
      this.trueSince = tSec;
      this.absentBefore = tSec - this.falseSince;
    } else if (!c && this.cond) {
      this.falseSince = tSec;
    }
    this.cond = c;
    if (!this.on) {
      const held = c && tSec - this.trueSince >= r.minActiveSec - EPS;
      const absent = this.absentBefore >= r.minAbsentBeforeSec - EPS;
      const cooled = Number.isNaN(this.lastExit) || tSec - this.lastExit >= r.cooldownSec - EPS;
      if (held && absent && cooled) {
        this.on = true;
        return "enter";
      }
    } else if (!c && tSec - this.falseSince >= r.releaseSec - EPS) {
      this.on = false;
      this.lastExit = tSec;
      return "exit";
    }
    return null;
  }

  /** Back to OFF with no history. */
  reset(): void {
    this.on = false;
    this.cond = false;
    this.trueSince = Number.NaN;
    this.falseSince = Number.NaN;
    this.absentBefore = 0;
    this.lastExit = Number.NaN;
  }
}

/** All rules of a config, stepped together. */
export class TriggerSet {
  private readonly machines: TriggerMachine[];

  constructor(rules: readonly TriggerRule[]) {
    this.machines = rules.map((r) => new TriggerMachine(r));
  }

  /** Rule names in config order. */
  get names(): string[] {
    return this.machines.map((m) => m.rule.name);
  }

  /** Advances every rule; returns the events of this frame in rule order. */
  step(active: ArrayLike<number>, tSec: number): TriggerEvent[] {
    const events: TriggerEvent[] = [];
    for (const m of this.machines) {
      const edge = m.step(active, tSec);
      if (edge !== null) events.push({ rule: m.rule.name, edge, tSec });
    }
    return events;
  }

  /** ON/OFF per rule (0/1) in config order. */
  states(): Uint8Array {
    return Uint8Array.from(this.machines, (m) => (m.active ? 1 : 0));
  }

  reset(): void {
    for (const m of this.machines) m.reset();
  }
}
