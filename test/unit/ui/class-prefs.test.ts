import { describe, expect, it } from "vitest";
import {
  CLASS_PREFS_KEY,
  NO_PREFS,
  loadClassPrefs,
  moveClass,
  orderedClasses,
  saveClassPrefs,
  setClassVisible,
  visibleClasses,
} from "../../../ui/src/lib/class-prefs.js";
import type { StorageLike } from "../../../ui/src/lib/class-prefs.js";
import { channelName, formatClock, formatMs, formatRate } from "../../../ui/src/lib/format.js";

const IDS = ["drums", "electric-bass", "male-singer", "piano"];

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe("class order and visibility", () => {
  it("defaults to model order with everything shown", () => {
    expect(orderedClasses(NO_PREFS, IDS)).toEqual([0, 1, 2, 3]);
    expect(visibleClasses(NO_PREFS, IDS)).toEqual([0, 1, 2, 3]);
  });

  it("moves and hides classes, and survives a reload through storage", () => {
    const store = memoryStorage();
    let p = moveClass(NO_PREFS, IDS, "piano", -1);
    p = moveClass(p, IDS, "piano", -1);
    p = moveClass(p, IDS, "drums", -1); // already first: stays
    p = setClassVisible(p, "electric-bass", false);
    expect(orderedClasses(p, IDS)).toEqual([0, 3, 1, 2]);
    expect(visibleClasses(p, IDS)).toEqual([0, 3, 2]);
    saveClassPrefs(store, p);
    expect(JSON.parse(store.data.get(CLASS_PREFS_KEY)!)).toEqual({
      order: ["drums", "piano", "electric-bass", "male-singer"],
      hidden: ["electric-bass"],
    });
    const again = loadClassPrefs(store);
    expect(visibleClasses(again, IDS)).toEqual([0, 3, 2]);
    expect(visibleClasses(setClassVisible(again, "electric-bass", true), IDS)).toEqual([0, 3, 1, 2]);
  });

  it("applies to another model: unknown ids are skipped, new classes follow in model order, other models' ids stay remembered", () => {
    const p = { order: ["flute", "piano", "drums"], hidden: ["tabla"] };
    expect(orderedClasses(p, IDS)).toEqual([3, 0, 1, 2]);
    const moved = moveClass(p, IDS, "male-singer", -3);
    expect(moved.order).toEqual(["male-singer", "piano", "drums", "electric-bass", "flute"]);
    expect(visibleClasses(p, ["tabla", "drums"])).toEqual([1]);
  });

  it("ignores unreadable, corrupt or refusing storage", () => {
    const corrupt = memoryStorage();
    corrupt.data.set(CLASS_PREFS_KEY, "{not json");
    expect(loadClassPrefs(corrupt)).toBe(NO_PREFS);
    corrupt.data.set(CLASS_PREFS_KEY, '{"order":"drums","hidden":[]}');
    expect(loadClassPrefs(corrupt)).toBe(NO_PREFS);
    expect(loadClassPrefs(undefined)).toBe(NO_PREFS);
    const refusing: StorageLike = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    };
    expect(loadClassPrefs(refusing)).toBe(NO_PREFS);
    expect(() => saveClassPrefs(refusing, NO_PREFS)).not.toThrow();
  });
});

describe("format", () => {
  it("writes times, milliseconds, rates and channels for the page", () => {
    expect([formatClock(0), formatClock(4.04), formatClock(83.25), formatClock(599.96), formatClock(null), formatClock(-1)]).toEqual([
      "0:00.0",
      "0:04.0",
      "1:23.3",
      "10:00.0",
      "-",
      "-",
    ]);
    expect([formatMs(3.14159), formatMs(250.4), formatMs(null), formatMs(Number.NaN)]).toEqual(["3.1 ms", "250 ms", "-", "-"]);
    expect([formatRate(48000), formatRate(22050), formatRate(44100), formatRate(null)]).toEqual(["48 kHz", "22.05 kHz", "44.1 kHz", "-"]);
    expect([channelName(null), channelName(0), channelName(7)]).toEqual(["mix", "ch 1", "ch 8"]);
  });
});
