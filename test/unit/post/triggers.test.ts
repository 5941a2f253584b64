import { describe, expect, it } from "vitest";
import { TriggerMachine, TriggerSet, ruleCondition } from "../../../src/post/triggers.js";
import type { TriggerRule } from "../../../src/post/triggers.js";

const rule = (over: Partial<TriggerRule>): TriggerRule => ({
  name: "r",
  all: [],
  any: [],
  none: [],
  minActiveSec: 0,
  minAbsentBeforeSec: 0,
  releaseSec: 0,
  cooldownSec: 0,
  ...over,
});

/** Steps a machine over a timeline of active-flag vectors at a 0.25 s hop; returns "t:edge" strings. */
function edges(m: TriggerMachine, frames: readonly (readonly number[])[], hop = 0.25): string[] {
  const out: string[] = [];
  frames.forEach((f, i) => {
    const e = m.step(f, i * hop);
    if (e !== null) out.push(`${i * hop}:${e}`);
  });
  return out;
}

// Classes in these timelines: 0 = guitar A, 1 = guitar B, 2 = singer.
const G = [1, 0, 0];
const S = [0, 0, 1];
const GS = [1, 0, 1];
const N = [0, 0, 0];
const rep = <T>(x: T, n: number): T[] => Array.from({ length: n }, () => x);

describe("ruleCondition", () => {
  it("combines all / any / none", () => {
    const r = rule({ all: [0], any: [1, 2], none: [3] });
    expect(ruleCondition(r, [1, 0, 1, 0])).toBe(true);
    expect(ruleCondition(r, [1, 0, 0, 0])).toBe(false); // no `any`
    expect(ruleCondition(r, [0, 1, 1, 0])).toBe(false); // not `all`
    expect(ruleCondition(r, [1, 1, 1, 1])).toBe(false); // a `none` class
    expect(ruleCondition(rule({ any: [0] }), [1])).toBe(true);
  });
});

describe("TriggerMachine", () => {
  it("guitar-solo: enters after the condition held 2 s, exits when it breaks (hand-worked)", () => {
    const m = new TriggerMachine(rule({ any: [0, 1], none: [2], minActiveSec: 2 }));
    // t = 0..0.75 singer+guitar; guitar alone from t = 1.0 to 4.75; singer back at 5.0.
    const frames = [...rep(GS, 4), ...rep(G, 16), ...rep(S, 4)];
    expect(edges(m, frames)).toEqual(["3:enter", "5:exit"]);
  });

  it("does not enter when the condition breaks before minActiveSec", () => {
    const m = new TriggerMachine(rule({ any: [0], minActiveSec: 1 }));
    expect(edges(m, [G, G, G, N, G, G, G, G, G])).toEqual(["2:enter"]); // true run from 1.0 -> held 1 s at 2.0
  });

  it("drop: fires only when the class returns after >= 4 s absent; the stream start counts as absence", () => {
    const m = new TriggerMachine(rule({ all: [0], minAbsentBeforeSec: 4 }));
    // drums at 0..1.75 (absent before them: 0 s -> no enter), gone 2.0..5.75 (4 s), back at 6.0 -> enter;
    // gone 6.5..7.75 (1.5 s), back at 8.0 -> no enter.
    const frames = [...rep(G, 8), ...rep(N, 16), G, G, ...rep(N, 6), G, G];
    expect(edges(m, frames)).toEqual(["6:enter", "6.5:exit"]);
  });

  it("counts the time before the first true frame as absence", () => {
    const m = new TriggerMachine(rule({ all: [0], minAbsentBeforeSec: 1 }));
    expect(edges(m, [N, N, N, N, G])).toEqual(["1:enter"]);
  });

  it("releaseSec debounces the exit; a short gap does not exit", () => {
    const m = new TriggerMachine(rule({ any: [0], releaseSec: 0.5 }));
    // on at 0; gap of one frame at 0.5 (false for 0 s < 0.5) -> stays on; off from 1.0: exit at 1.5
    expect(edges(m, [G, G, N, G, N, N, N, N])).toEqual(["0:enter", "1.5:exit"]);
  });

  it("cooldownSec delays a new enter after an exit", () => {
    const m = new TriggerMachine(rule({ any: [0], cooldownSec: 1 }));
    // enter 0, exit 0.25, true again at 0.5 but cooled only at 1.25
    expect(edges(m, [G, N, G, G, G, G, G])).toEqual(["0:enter", "0.25:exit", "1.25:enter"]);
  });

  it("reset forgets the history", () => {
    const m = new TriggerMachine(rule({ any: [0] }));
    m.step(G, 0);
    expect(m.active).toBe(true);
    m.reset();
    expect(m.active).toBe(false);
  });
});

describe("TriggerSet", () => {
  it("steps all rules and reports events in rule order with their time", () => {
    const set = new TriggerSet([rule({ name: "a", any: [0] }), rule({ name: "b", any: [2] })]);
    expect(set.names).toEqual(["a", "b"]);
    expect(set.step(GS, 1.5)).toEqual([
      { rule: "a", edge: "enter", tSec: 1.5 },
      { rule: "b", edge: "enter", tSec: 1.5 },
    ]);
    expect(Array.from(set.states())).toEqual([1, 1]);
    expect(set.step(S, 1.75)).toEqual([{ rule: "a", edge: "exit", tSec: 1.75 }]);
  });
});
