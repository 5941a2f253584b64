/**
 * Every bad trigger config is one line naming the field and the value received: unknown keys at
 * each level, wrong types for each field, out-of-range values; plus files that are too large, not
 * regular files, or YAML alias bombs. `live` stops before opening anything when its config is bad.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPostConfig, validatePostConfig } from "../../../src/config/post-config.js";
import { tempDir } from "../../helpers/audio-files.js";
import { captureCli } from "../../helpers/cli.js";

const dir = tempDir("timbrescope-config-err-");
const bad = (doc: unknown): string => {
  try {
    validatePostConfig(doc, "c.yaml");
  } catch (e) {
    return (e as Error).message;
  }
  return "accepted";
};
const rule = (extra: Record<string, unknown>): unknown => ({ rules: [{ name: "r", any: ["drums"], ...extra }] });

describe("trigger config: field and value in one line", () => {
  it.each<[string, unknown, string]>([
    // unknown keys, at every level
    [
      "top-level key",
      { smothing: {} },
      'c.yaml: smothing: expected one of the keys version, smoothing, hysteresis, thresholds, mute, rules, got "smothing"',
    ],
    [
      "smoothing key",
      { smoothing: { attack: 0 } },
      'c.yaml: smoothing.attack: expected one of the keys attackSec, releaseSec, got "attack"',
    ],
    ["hysteresis key", { hysteresis: { hold: 1 } }, 'c.yaml: hysteresis.hold: expected one of the keys band, minHoldSec, got "hold"'],
    [
      "rule key",
      rule({ cooldown: 1 }),
      'c.yaml: rules[0].cooldown: expected one of the keys name, all, any, none, minActiveSec, minAbsentBeforeSec, releaseSec, cooldownSec, got "cooldown"',
    ],
    [
      "threshold class",
      { thresholds: { banjo: 0.5 } },
      'c.yaml: thresholds.banjo: expected a class id, label or name (e.g. drums, male-singer), got "banjo"',
    ],
    // wrong types
    ["document", [1, 2], "c.yaml: the document: expected a mapping, got [1,2]"],
    ["smoothing", { smoothing: 0.5 }, "c.yaml: smoothing: expected a mapping, got 0.5"],
    ["attackSec", { smoothing: { attackSec: "fast" } }, 'c.yaml: smoothing.attackSec: expected a number >= 0 (seconds), got "fast"'],
    ["band", { hysteresis: { band: "0.1" } }, 'c.yaml: hysteresis.band: expected a number in [0, 1), got "0.1"'],
    ["threshold", { thresholds: { drums: true } }, "c.yaml: thresholds.drums: expected a number in [0, 1], got true"],
    ["mute", { mute: "drums" }, 'c.yaml: mute: expected a list of classes, got "drums"'],
    ["mute item", { mute: [3] }, "c.yaml: mute[0]: expected a class id, label or name (e.g. drums, male-singer), got 3"],
    ["rules", { rules: "guitar-solo" }, 'c.yaml: rules: expected a list of rules, got "guitar-solo"'],
    ["rule", { rules: [7] }, "c.yaml: rules[0]: expected a mapping, got 7"],
    [
      "rule name",
      { rules: [{ name: 5, any: ["drums"] }] },
      "c.yaml: rules[0].name: expected a name of letters, digits, - and _ (at most 64), got 5",
    ],
    ["rule any", rule({ any: "drums" }), 'c.yaml: rules[0].any: expected a list of classes, got "drums"'],
    ["rule seconds", rule({ releaseSec: null }), "c.yaml: rules[0].releaseSec: expected a number >= 0 (seconds), got null"],
    // out of range
    ["negative attack", { smoothing: { attackSec: -0.1 } }, "c.yaml: smoothing.attackSec: expected a number >= 0 (seconds), got -0.1"],
    ["huge release", { smoothing: { releaseSec: 5000 } }, "c.yaml: smoothing.releaseSec: expected a number <= 3600 (seconds), got 5000"],
    ["band 1", { hysteresis: { band: 1 } }, "c.yaml: hysteresis.band: expected a number in [0, 1), got 1"],
    ["negative hold", { hysteresis: { minHoldSec: -1 } }, "c.yaml: hysteresis.minHoldSec: expected a number >= 0 (seconds), got -1"],
    ["threshold > 1", { thresholds: { piano: 1.5 } }, "c.yaml: thresholds.piano: expected a number in [0, 1], got 1.5"],
    ["threshold < 0", { thresholds: { piano: -0.5 } }, "c.yaml: thresholds.piano: expected a number in [0, 1], got -0.5"],
    ["version", { version: 2 }, "c.yaml: version: expected 1, got 2"],
    [
      "long name",
      { rules: [{ name: "x".repeat(65), any: ["drums"] }] },
      `c.yaml: rules[0].name: expected a name of letters, digits, - and _ (at most 64), got "${"x".repeat(65)}"`,
    ],
    [
      "long value shown briefly",
      { mute: ["y".repeat(500)] },
      `c.yaml: mute[0]: expected a class id, label or name (e.g. drums, male-singer), got "${"y".repeat(76)}...`,
    ],
  ])("%s", (_what, doc, message) => {
    expect(bad(doc)).toBe(message);
  });
});

describe("trigger config files", () => {
  it("refuses oversized files, folders and YAML alias bombs in one line", async () => {
    const big = join(dir, "big.yaml");
    writeFileSync(big, "# " + "x".repeat(2 << 20) + "\n");
    await expect(loadPostConfig(big)).rejects.toThrow(/big\.yaml: the trigger config is \d+ bytes; at most 1048576 are read$/);
    mkdirSync(join(dir, "folder.yaml"));
    await expect(loadPostConfig(join(dir, "folder.yaml"))).rejects.toThrow(/folder\.yaml: the trigger config is not a regular file$/);
    const bomb = join(dir, "bomb.yaml");
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${new Array<string>(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`,
      );
    writeFileSync(bomb, levels.join("\n") + "\n");
    await expect(loadPostConfig(bomb)).rejects.toThrow(/bomb\.yaml: (not valid YAML or JSON|smoothing|a: expected one of the keys)/);
  });

  it("live refuses a bad config before opening any port or file", async () => {
    const cfg = join(dir, "bad.yaml");
    writeFileSync(cfg, "smoothing:\n  releaseSec: -2\n");
    const rec = join(dir, "never.jsonl");
    const r = await captureCli(["live", "--model", "models/default", "--input", "nope.wav", "--triggers", cfg, "--record", rec]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toBe(`error: ${cfg}: smoothing.releaseSec: expected a number >= 0 (seconds), got -2`);
    const { existsSync } = await import("node:fs");
    expect(existsSync(rec)).toBe(false);
  });
});
