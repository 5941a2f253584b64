import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_POST_CONFIG, loadPostConfig, resolveRule, validatePostConfig } from "../../../src/config/post-config.js";
import { CLASSES } from "../../../src/data/classes.js";
import { UserError } from "../../../src/errors.js";
import { tempDir } from "../../helpers/audio-files.js";

const dir = tempDir("timbrescope-triggers-");
const bad = (doc: unknown): string => {
  try {
    validatePostConfig(doc, "t.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as Error).message;
    expect(msg).not.toContain("\n");
    return msg;
  }
  throw new Error("expected a validation error");
};

describe("trigger config", () => {
  it("loads the shipped example with guitar-solo, vocals-in and drop", async () => {
    const cfg = await loadPostConfig("config/triggers.example.yaml");
    expect(cfg.rules.map((r) => r.name)).toEqual(["guitar-solo", "vocals-in", "drop"]);
    const solo = cfg.rules[0];
    expect(solo?.any).toEqual(["distorted-guitar", "clean-guitar"]);
    expect(solo?.none).toEqual(["male-singer", "female-singer", "vocalists"]);
    expect(solo?.minActiveSec).toBe(2);
    const drop = cfg.rules[2];
    expect(drop?.all).toEqual(["drums"]);
    expect(drop?.minAbsentBeforeSec).toBe(4);
    expect(cfg.smoothing).toEqual({ attackSec: 0, releaseSec: 0.5 });
  });

  it("reads JSON too and resolves labels and names to class ids", async () => {
    const p = join(dir, "t.json");
    writeFileSync(
      p,
      JSON.stringify({ thresholds: { "drum set": 0.3 }, mute: ["Electric organ"], rules: [{ name: "x", all: ["electric bass"] }] }),
    );
    const cfg = await loadPostConfig(p);
    expect(cfg.thresholds).toEqual({ drums: 0.3 });
    expect(cfg.mute).toEqual(["organ"]);
    expect(cfg.rules[0]?.all).toEqual(["electric-bass"]);
    expect(cfg.rules[0]?.cooldownSec).toBe(0);
  });

  it("an empty document is the default config", () => {
    expect(validatePostConfig(null)).toEqual(DEFAULT_POST_CONFIG);
  });

  it("names the field and the value received in one line", () => {
    expect(bad({ rules: [{ name: "a", any: ["guitr"] }] })).toBe(
      't.yaml: rules[0].any[0]: expected a class id, label or name (e.g. drums, male-singer), got "guitr"',
    );
    expect(bad({ rules: [{ name: "a", any: ["drums"], minActiveSec: "2s" }] })).toBe(
      't.yaml: rules[0].minActiveSec: expected a number >= 0 (seconds), got "2s"',
    );
    expect(bad({ rules: [{ name: "a b", any: ["drums"] }] })).toMatch(/^t\.yaml: rules\[0\]\.name: expected a name of letters.*got "a b"$/);
    expect(bad({ rules: [{ name: "a" }] })).toMatch(/^t\.yaml: rules\[0\]: expected at least one class in all or any/);
    expect(
      bad({
        rules: [
          { name: "a", any: ["drums"] },
          { name: "a", all: ["piano"] },
        ],
      }),
    ).toBe('t.yaml: rules[1].name: expected a name not used by an earlier rule, got "a"');
    expect(bad({ rules: [{ name: "a", any: ["drums"], none: ["drums"] }] })).toMatch(
      /rules\[0\]\.none: expected no class that is also in all\/any, got "drums"/,
    );
    expect(bad({ rules: [{ name: "a", any: ["drums"], minActive: 2 }] })).toMatch(
      /^t\.yaml: rules\[0\]\.minActive: expected one of the keys name, all, any/,
    );
    expect(bad({ hysteresis: { band: 1 } })).toBe("t.yaml: hysteresis.band: expected a number in [0, 1), got 1");
    expect(bad({ thresholds: { drums: 2 } })).toBe("t.yaml: thresholds.drums: expected a number in [0, 1], got 2");
    expect(bad({ version: 2 })).toBe("t.yaml: version: expected 1, got 2");
    expect(bad({ rule: [] })).toMatch(/^t\.yaml: rule: expected one of the keys version, smoothing/);
    expect(bad({ rules: { name: "a" } })).toBe('t.yaml: rules: expected a list of rules, got {"name":"a"}');
  });

  it("reports unreadable and unparsable files as input-file errors", async () => {
    await expect(loadPostConfig(join(dir, "missing.yaml"))).rejects.toThrow(/missing\.yaml: cannot read the trigger config \(ENOENT\)/);
    const p = join(dir, "broken.yaml");
    writeFileSync(p, "rules: [\n");
    await expect(loadPostConfig(p)).rejects.toThrow(/broken\.yaml: not valid YAML or JSON/);
  });

  it("resolves a rule against the model's labels and rejects classes the model lacks", () => {
    const cfg = validatePostConfig({ rules: [{ name: "s", any: ["clean-guitar"], none: ["male-singer"] }] });
    const labels = CLASSES.map((c) => c.label);
    const r = resolveRule(cfg.rules[0]!, labels);
    expect(r.any).toEqual([4]);
    expect(r.none).toEqual([2]);
    expect(() => resolveRule(cfg.rules[0]!, ["drum set", "piano"])).toThrow(/rule "s": the model has no output for class "clean-guitar"/);
  });
});
