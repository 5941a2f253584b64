// The hop's one home (src/config/hop.ts): defaults per mode, flag parsing, range checks, and that
// the CLI, the Windower, the offline pipeline and the protocol all answer with it.
import { describe, expect, it } from "vitest";
import { parseClientMessage } from "../../../bridge/protocol.js";
import { Windower } from "../../../src/audio/windower.js";
import { checkHopControl, checkHopSec, DEFAULT_HOP_SEC, isHopSec, maxHopSec, parseHopFlag } from "../../../src/config/hop.js";
import { UserError } from "../../../src/errors.js";
import { DEFAULT_MEL_PARAMS } from "../../../src/features/params.js";

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  return "no error";
};

describe("the hop", () => {
  it("defaults to 0.25 s live and to the paper's 1 s windows offline", () => {
    expect(DEFAULT_HOP_SEC).toEqual({ live: 0.25, offline: 1 });
    expect(parseHopFlag(undefined, "live")).toBe(0.25);
    expect(parseHopFlag(undefined, "offline")).toBe(1);
    expect(new Windower({ inputRateHz: 22050, inputChannels: 1 }).hopSec).toBe(0.25);
  });

  it("is at most one window and at least one analysis sample", () => {
    expect(maxHopSec()).toBe(1);
    expect(maxHopSec({ ...DEFAULT_MEL_PARAMS, windowSamples: 11025 })).toBe(0.5);
    expect([0.25, 1, 1 / 22050].map((h) => isHopSec(h))).toEqual([true, true, true]);
    expect([0, -1, 1.0001, 0.5 / 22050, Number.NaN, Infinity, "0.5", null].map((h) => isHopSec(h))).toEqual(new Array(8).fill(false));
  });

  it("parses a flag into seconds or one UserError line naming the flag and what was typed", () => {
    expect(parseHopFlag("0.5", "live")).toBe(0.5);
    expect(parseHopFlag(" 1 ", "offline")).toBe(1);
    expect(message(() => parseHopFlag("2", "live"))).toBe('UserError: Expected --hop in (0, 1] seconds, got "2"');
    expect(message(() => parseHopFlag("abc", "offline"))).toBe('UserError: Expected --hop a positive number (seconds), got "abc"');
    expect(message(() => parseHopFlag("", "live"))).toBe('UserError: Expected --hop a positive number (seconds), got ""');
    expect(message(() => parseHopFlag("0", "live"))).toBe('UserError: Expected --hop a positive number (seconds), got "0"');
    expect(message(() => parseHopFlag("0.00001", "live"))).toBe('UserError: Expected --hop in (0, 1] seconds, got "0.00001"');
    expect(() => parseHopFlag("2", "live")).toThrow(UserError);
  });

  it("checks hops given in code (RangeError) and asked for at run time (UserError)", () => {
    expect(checkHopSec(0.5)).toBe(0.5);
    expect(message(() => checkHopSec(1.5))).toBe("RangeError: Expected hopSec in (0, 1] seconds, got 1.5");
    expect(checkHopControl(0.1)).toBe(0.1);
    expect(message(() => checkHopControl(0))).toBe("UserError: Expected a hop in (0, 1] seconds, got 0");
  });

  it("is what the protocol's set-hop accepts", () => {
    for (const hopSec of [0.05, 0.25, 1, 0, 1.5, -0.25]) {
      expect(parseClientMessage({ v: 1, type: "set-hop", hopSec }).ok, String(hopSec)).toBe(isHopSec(hopSec));
    }
  });
});
