/**
 * `train --data` on folders laid out like the real datasets: the MedleyDB and Mixing Secrets
 * annotation fixtures (real metadata and activation-confidence files, CC BY-NC-SA 4.0 for MedleyDB;
 * linked, not copied), with short synthetic mixes placed where the real audio would be
 * (`Audio/<T>/<mix_filename>` and `Medley_Format/Audio/<T>/<mix_filename>`). Training must run
 * unchanged, split by artist across both datasets, and label windows from the real annotations.
 */
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ANNOTATIONS } from "../../helpers/fixtures.js";
import { captureCli } from "../../helpers/cli.js";
import { pcmSignal, tempDir, wavBytes } from "../../helpers/audio-files.js";

const dir = tempDir("timbrescope-real-layout-");

/** Links the fixture's folders into `root` and writes a 12 s mix for every track found. */
function realLayout(root: string, links: Record<string, string>, metaDir: string, audioDir: string): string[] {
  mkdirSync(root, { recursive: true });
  for (const [name, target] of Object.entries(links)) {
    mkdirSync(join(root, name, ".."), { recursive: true });
    symlinkSync(resolve(target), join(root, name));
  }
  const ids: string[] = [];
  for (const f of readdirSync(metaDir).filter((n) => n.endsWith("_METADATA.yaml"))) {
    const id = f.slice(0, -"_METADATA.yaml".length);
    const meta = parse(readFileSync(join(metaDir, f), "utf8")) as { mix_filename: string };
    mkdirSync(join(root, audioDir, id), { recursive: true });
    const wav = wavBytes({ sampleRateHz: 44100, encoding: "pcm16", channels: pcmSignal(44100 * 12, 1, 16, ids.length + 1) });
    writeFileSync(join(root, audioDir, id, meta.mix_filename), wav);
    ids.push(id);
  }
  return ids;
}

describe("train --data on the real datasets' layout", () => {
  it("trains on MedleyDB + Mixing Secrets folders (annotation fixtures, synthetic mixes)", async () => {
    const med = join(ANNOTATIONS, "medleydb");
    const ms = join(ANNOTATIONS, "mixing_secrets");
    const medIds = realLayout(
      join(dir, "MedleyDB"),
      { Metadata: join(med, "Metadata"), Annotations: join(med, "Annotations") },
      join(med, "Metadata"),
      "Audio",
    );
    const msIds = realLayout(
      join(dir, "mixing_secrets"),
      { metadata: join(ms, "metadata"), annotations: join(ms, "annotations") },
      join(ms, "metadata"),
      "Medley_Format/Audio",
    );
    expect([medIds.length, msIds.length]).toEqual([26, 8]);
    const out = join(dir, "model");
    const r = await captureCli([
      "train",
      "--data",
      join(dir, "MedleyDB"),
      join(dir, "mixing_secrets"),
      "--arch",
      "mlp",
      "--width-scale",
      "0.0625",
      "--recipe",
      "fast",
      "--no-augment",
      "--epochs",
      "1",
      "--out",
      out,
      "--cache",
      join(dir, "cache"),
      "--seed",
      "3",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const split = JSON.parse(readFileSync(join(out, "split.json"), "utf8")) as { train: string[]; validation: string[]; test: string[] };
    const used = new Set([...split.train, ...split.validation, ...split.test]);
    // both datasets feed the pool (tracks without any of the 18 classes or with bleed are filtered out)
    expect(medIds.some((id) => used.has(id))).toBe(true);
    expect(msIds.some((id) => used.has(id))).toBe(true);
    expect(split.train.length).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { architecture: { name: string }; labels: string[] };
    expect(manifest.architecture.name).toBe("mlp");
    expect(manifest.labels.length).toBe(18);
    const log = readFileSync(join(out, "train-log.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { epoch?: number });
    expect(log.filter((e) => e.epoch === 1).length).toBeGreaterThan(0);
  }, 180_000);
});
