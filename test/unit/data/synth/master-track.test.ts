/**
 * The mastering chain inside `timbrescope synth`: switching realism `master` on changes the written
 * mix and adds the chain's record to the metadata, and nothing else: stems and activation labels
 * (computed from the stems) stay byte for byte what they are with it off.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseTrackMetadata } from "../../../../src/data/metadata.js";
import { generateCorpus, type CorpusOptions } from "../../../../src/data/synth/corpus.js";
import { NO_REALISM } from "../../../../src/data/synth/realism.js";

const root = mkdtempSync(join(tmpdir(), "ts-master-track-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const base: CorpusOptions = {
  outDir: join(root, "off"),
  tracks: 1,
  seed: 4,
  minutesPerTrack: 0.1,
  soundfonts: ["timgm6mb"],
  sampleRateHz: 22050,
  keepStems: true,
  styles: [],
  voices: [],
  firstTrack: 0,
};
await generateCorpus(base);
await generateCorpus({ ...base, outDir: join(root, "on"), realism: { ...NO_REALISM, master: true } });

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(join(e.parentPath, e.name).slice(dir.length + 1), readFileSync(join(e.parentPath, e.name)));
  }
  return out;
}

describe("realism master in a rendered track", () => {
  const off = files(join(root, "off"));
  const on = files(join(root, "on"));

  it("leaves stems and labels byte-identical and changes the mix", () => {
    expect([...on.keys()].sort()).toEqual([...off.keys()].sort());
    const stemsAndLabs = [...off.keys()].filter((k) => k.includes("_STEM_") || k.endsWith(".lab"));
    expect(stemsAndLabs.length).toBeGreaterThan(2);
    for (const k of stemsAndLabs) expect(on.get(k)?.equals(off.get(k) as Buffer), k).toBe(true);
    const mixes = [...off.keys()].filter((k) => k.endsWith("_MIX.wav"));
    expect(mixes.length).toBe(1);
    for (const k of mixes) {
      expect(on.get(k)?.length).toBe(off.get(k)?.length);
      expect(on.get(k)?.equals(off.get(k) as Buffer), k).toBe(false);
    }
  });

  it("records the chain in the song's synth block, and only there", () => {
    for (const k of [...off.keys()].filter((f) => f.endsWith(".yaml"))) {
      const textOn = (on.get(k) as Buffer).toString("utf8");
      const doc = parse(textOn) as { synth: { realism: string; master: Record<string, unknown> } };
      expect(doc.synth.realism).toBe("master");
      for (const key of [
        "tilt_db",
        "comp_ratio",
        "comp_attack_ms",
        "limiter_ceiling_db",
        "lufs_target",
        "lufs_measured",
        "codec",
        "reverb",
      ])
        expect(doc.synth.master, key).toHaveProperty(key);
      expect(Math.abs((doc.synth.master["lufs_measured"] as number) - (doc.synth.master["lufs_target"] as number))).toBeLessThan(0.5);
      expect(parseTrackMetadata(textOn, `/x/${k}`).stems.length).toBeGreaterThan(0);
      // Without the realism line and the master block it is the metadata written with mastering off.
      const stripped = textOn.replace(/^ {2}realism: master\n/m, "").replace(/^ {2}master:\n( {4}.*\n)+/m, "");
      expect(stripped).toBe((off.get(k) as Buffer).toString("utf8"));
    }
  });
});
