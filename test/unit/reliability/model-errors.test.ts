/**
 * A broken model folder is one clear user error naming the file and the problem, never a stack trace
 * from tfjs: missing or wrong manifest, MelParams hash mismatch, missing or truncated weight shard,
 * wrong input shape, label count that disagrees with the network.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CLASSES } from "../../../src/data/classes.js";
import { UserError } from "../../../src/errors.js";
import { DEFAULT_MEL_PARAMS } from "../../../src/features/params.js";
import { buildModel, paperSpec } from "../../../src/model/architectures/index.js";
import { initBackend } from "../../../src/model/backend.js";
import { loadModelDir } from "../../../src/model/load.js";
import { buildManifest } from "../../../src/model/manifest.js";
import { saveModelDir } from "../../../src/model/save.js";
import { modelStats } from "../../../src/model/stats.js";
import { tempDir } from "../../helpers/audio-files.js";

const root = tempDir("timbrescope-model-err-");
const good = join(root, "good");
const LABELS = CLASSES.map((c) => c.id);

beforeAll(async () => {
  await initBackend("wasm");
  const model = buildModel(paperSpec("mlp", { widthScale: 1 / 16 }), 3);
  const s = modelStats(model);
  await saveModelDir(
    good,
    model,
    buildManifest({
      labels: LABELS,
      melParams: DEFAULT_MEL_PARAMS,
      architecture: paperSpec("mlp", { widthScale: 1 / 16 }),
      params: s.params,
      trainableParams: s.trainableParams,
      flopsPerWindow: s.flopsPerWindow,
      thresholds: LABELS.map(() => 0.5),
      training: null,
      validation: null,
    }),
  );
  model.dispose();
});

let n = 0;
/** A copy of the good model folder with `mutate` applied. */
function broken(mutate: (dir: string) => void): string {
  const dir = join(root, `bad-${n++}`);
  cpSync(good, dir, { recursive: true });
  mutate(dir);
  return dir;
}

const editJson = (file: string, f: (j: Record<string, unknown>) => void): void => {
  const j = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  f(j);
  writeFileSync(file, JSON.stringify(j));
};

/** Loads `dir`, which must fail with a one-line UserError matching `problem`. */
async function expectRefused(dir: string, problem: RegExp): Promise<void> {
  const err: unknown = await loadModelDir(dir).then(
    (m) => {
      m.model.dispose();
      return new Error("loaded");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  expect((err as Error).message).toMatch(problem);
  expect((err as Error).message).not.toContain("\n");
}

describe("broken model folders", () => {
  it("the intact folder loads (the mutations below are the only difference)", async () => {
    const m = await loadModelDir(good);
    expect(m.manifest.labels).toEqual(LABELS);
    m.model.dispose();
  });

  it("missing manifest, manifest that is not JSON, wrong schema", async () => {
    await expectRefused(
      broken((d) => rmSync(join(d, "manifest.json"))),
      /manifest\.json: not found \(is this a timbrescope model directory\?\)/,
    );
    await expectRefused(
      broken((d) => writeFileSync(join(d, "manifest.json"), "{labels: [")),
      /manifest\.json: not valid JSON/,
    );
    await expectRefused(
      broken((d) => editJson(join(d, "manifest.json"), (j) => (j["schema"] = "keras"))),
      /schema: expected "timbrescope-model", got "keras"/,
    );
    await expectRefused(
      broken((d) => editJson(join(d, "manifest.json"), (j) => (j["schemaVersion"] = 99))),
      /schemaVersion: this timbrescope reads version 1, got 99/,
    );
  });

  it("MelParams hash mismatch names the differing field", async () => {
    const dir = broken((d) =>
      editJson(join(d, "manifest.json"), (j) => {
        j["melParams"] = { ...DEFAULT_MEL_PARAMS, nMels: 128 };
        j["melParamsHash"] = "0123456789abcdef";
      }),
    );
    await expectRefused(dir, /melParamsHash 0123456789abcdef differs from the live front-end's \w+ \(model vs live: nMels/);
  });

  it("missing or truncated weight shard", async () => {
    await expectRefused(
      broken((d) => rmSync(join(d, "weights.bin"))),
      /weights\.bin: weight shard missing \(model\.json lists it\)/,
    );
    await expectRefused(
      broken((d) => writeFileSync(join(d, "weights.bin"), readFileSync(join(d, "weights.bin")).subarray(0, 1000))),
      /model\.json: the weight shards hold 1000 bytes but model\.json declares \d+ \(truncated or mismatched weights\)/,
    );
    await expectRefused(
      broken((d) => editJson(join(d, "model.json"), (j) => (j["weightsManifest"] = [{ paths: ["../../etc/passwd"], weights: [] }]))),
      /weightsManifest: expected groups of relative shard paths/,
    );
    await expectRefused(
      broken((d) => writeFileSync(join(d, "model.json"), "[]")),
      /not a TensorFlow\.js layers model/,
    );
  });

  it("wrong input shape or label count", async () => {
    await expectRefused(
      broken((d) => editJson(join(d, "manifest.json"), (j) => (j["inputShape"] = [128, 87, 1]))),
      /inputShape: expected \[96, 87, 1\] for the live front-end, got \[128,87,1\]/,
    );
    await expectRefused(
      broken((d) =>
        editJson(join(d, "manifest.json"), (j) => {
          j["labels"] = LABELS.slice(0, 17);
          j["thresholds"] = LABELS.slice(0, 17).map(() => 0.5);
        }),
      ),
      /architecture\.nClasses: 18 outputs but 17 labels/,
    );
    await expectRefused(
      broken((d) => editJson(join(d, "manifest.json"), (j) => (j["thresholds"] = [0.5]))),
      /thresholds: expected 18 finite numbers, got 1 values/,
    );
  });
});
