/**
 * Int8 convolutions on ONNX Runtime (src/model/onnx/quantize.ts, int8-calibration.ts):
 * - the fused int8 kernels (graph optimisation "all": QLinearConv) compute what the graph's
 *   QuantizeLinear / DequantizeLinear / float Conv ops define (optimisation "disabled" runs those
 *   ops one by one, as the ONNX spec states them), for a random-weight CNN with trained-like
 *   batch-norm statistics;
 * - the max-pool / ELU swap keeps the float graph equal to tfjs (onnx.test.ts checks 1e-5);
 * - the shipped model in int8 stays close to its float scores on real audio;
 * - int8.json is validated (one-line errors) and chooses the arithmetic and the model id.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMono } from "../../../src/audio/load.js";
import { melWindowDb } from "../../../src/features/mel.js";
import { rmsNormalize } from "../../../src/features/normalize.js";
import { buildModel, paperSpec } from "../../../src/model/architectures/index.js";
import { initBackend } from "../../../src/model/backend.js";
import { networkTaps, networkToOnnx, ONNX_INPUT, ONNX_OUTPUT } from "../../../src/model/onnx/convert.js";
import { INT8_FILE } from "../../../src/model/onnx/int8-calibration.js";
import { networkFromLayersModel } from "../../../src/model/onnx/network-spec.js";
import { loadOrtClassifier } from "../../../src/model/onnx/ort-classifier.js";
import { encodeOnnxModel } from "../../../src/model/onnx/proto.js";
import type { OnnxGraph } from "../../../src/model/onnx/proto.js";
import { activationParams } from "../../../src/model/onnx/quantize.js";
import type { ConvRanges } from "../../../src/model/onnx/quantize.js";
import { createScorer } from "../../../src/model/scorer.js";
import { randomArray } from "../../helpers/tf-backends.js";

const PER = 96 * 87;
const tmp = mkdtempSync(join(tmpdir(), "ts-int8-"));

beforeAll(async () => {
  await initBackend("cpu");
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Scores `x` with a session at optimisation `level`; `ops` gets the operator types that ran. */
async function run(
  graph: OnnxGraph,
  level: "all" | "disabled",
  x: Float32Array,
  n: number,
  outputs = [ONNX_OUTPUT],
  ops?: Set<string>,
): Promise<Float32Array[]> {
  const s = await ort.InferenceSession.create(encodeOnnxModel(graph), {
    graphOptimizationLevel: level,
    intraOpNumThreads: 1,
    logSeverityLevel: 3,
    ...(ops === undefined ? {} : { enableProfiling: true, profileFilePrefix: join(tmp, `profile-${level}`) }),
  });
  const r = await s.run({ [ONNX_INPUT]: new ort.Tensor("float32", x, [n, 96, 87, 1]) }, outputs);
  if (ops !== undefined) {
    s.endProfiling();
    const files = readdirSync(tmp).filter((f) => f.startsWith(`profile-${level}`));
    for (const f of files) {
      const events = JSON.parse(readFileSync(join(tmp, f), "utf8")) as { cat?: string; args?: { op_name?: string } }[];
      for (const e of events) if (e.cat === "Node" && e.args?.op_name !== undefined) ops.add(e.args.op_name);
    }
  }
  await s.release();
  return outputs.map((o) => r[o]?.data as Float32Array);
}

describe("quantisation parameters", () => {
  it("cover the range, hold 0 exactly and widen a one-sided range to 0", () => {
    const q = activationParams([-1, 17]);
    expect(q.scale).toBeCloseTo(18 / 255, 6);
    expect(q.zeroPoint).toBe(Math.round(1 / (18 / 255)));
    expect(activationParams([2, 5])).toEqual({ scale: Math.fround(5 / 255), zeroPoint: 0 });
    expect(activationParams([-4, -1]).zeroPoint).toBe(255);
  });
});

describe("int8 graph of a random CNN", () => {
  it("its fused int8 kernels score as its Q/DQ ops define, and near the float network", async () => {
    const model = buildModel(paperSpec("cnn", { widthScale: 0.25 }), 5);
    // Trained-like batch norm: non-trivial means and variances, some negative gammas.
    for (const layer of model.layers.filter((l) => l.name.includes("bn"))) {
      const [g, b, m, v] = layer.getWeights();
      const c = g?.shape[0] ?? 0;
      const r = randomArray(4 * c, c);
      layer.setWeights([
        g!.add(Float32Array.from(r.subarray(0, c), (x) => 0.6 * x)),
        b!.add(Float32Array.from(r.subarray(c, 2 * c), (x) => 0.2 * x)),
        m!.add(Float32Array.from(r.subarray(2 * c, 3 * c), (x) => 0.5 * x)),
        v!.mul(Float32Array.from(r.subarray(3 * c), (x) => 1.5 + x)),
      ]);
    }
    const net = networkFromLayersModel(model);
    const n = 6;
    const x = randomArray(n * PER, 21).map((v) => 20 * v - 30);
    // Calibrate on these windows (min / max of each convolution's input and output but the first).
    const { graph, taps } = networkTaps(net);
    const convs = [...taps.entries()].slice(1);
    const names = convs.flatMap(([, t]) => [t.input, t.output]);
    const tapped = { ...graph, outputs: [...graph.outputs, ...names.map((name) => ({ name, shape: ["N", "C", "H", "W"] }))] };
    const [float, ...acts] = await run(tapped, "all", x, n, [ONNX_OUTPUT, ...names]);
    const range = (a: Float32Array): [number, number] => [a.reduce((m, v) => Math.min(m, v), 0), a.reduce((m, v) => Math.max(m, v), 0)];
    const layers: Record<string, ConvRanges> = {};
    convs.forEach(([layer], i) => (layers[layer] = { input: range(acts[2 * i]!), output: range(acts[2 * i + 1]!) }));
    const q = networkToOnnx(net, layers);
    expect(q.nodes.filter((nd) => nd.opType === "QuantizeLinear").length).toBeGreaterThanOrEqual(2 * convs.length);
    const fusedOps = new Set<string>();
    const literalOps = new Set<string>();
    const [fused] = await run(q, "all", x, n, [ONNX_OUTPUT], fusedOps);
    const [literal] = await run(q, "disabled", x, n, [ONNX_OUTPUT], literalOps);
    expect(fusedOps.has("QLinearConv"), [...fusedOps].join(" ")).toBe(true);
    expect(literalOps.has("QLinearConv")).toBe(false);
    expect(literalOps.has("DequantizeLinear")).toBe(true);
    let worst = 0;
    let worstFloat = 0;
    for (let i = 0; i < fused!.length; i++) {
      worst = Math.max(worst, Math.abs(fused![i]! - literal![i]!));
      worstFloat = Math.max(worstFloat, Math.abs(fused![i]! - float![i]!));
    }
    // Integer accumulation vs float accumulation of the same products: a rounding may land one
    // quantisation step apart now and then, never more than that.
    console.log(`[int8] random CNN: max |fused - literal| ${worst.toFixed(4)}, max |int8 - float| ${worstFloat.toFixed(4)}`);
    expect(worst).toBeLessThan(0.02);
    expect(worstFloat).toBeLessThan(0.1);
    expect(range(float!)[1] - Math.min(...float!)).toBeGreaterThan(0.2);
    model.dispose();
  });
});

describe("the shipped model in int8", () => {
  it("stays within a few hundredths of its float scores on the demo clip, with the same decisions nearly everywhere", async () => {
    const audio = await loadMono("assets/demo/demo-clip.flac");
    const y = rmsNormalize(audio.samples);
    const n = Math.floor(y.length / 22050);
    const windows = new Float32Array(n * PER);
    for (let i = 0; i < n; i++) windows.set(melWindowDb(y, i * 22050), i * PER);
    const f = await loadOrtClassifier("models/default", { warmup: 0, precision: "fp32" });
    const q = await loadOrtClassifier("models/default", { warmup: 0 });
    expect([f.precision, q.precision]).toEqual(["fp32", "int8"]);
    const a = await f.predict(windows, n);
    const b = await q.predict(windows, n);
    let worst = 0;
    let sum = 0;
    let same = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i]! - b[i]!);
      worst = Math.max(worst, d);
      sum += d;
      if (a[i]! >= f.thresholds[i % 18]! === b[i]! >= f.thresholds[i % 18]!) same++;
    }
    expect(worst).toBeLessThan(0.08);
    expect(sum / a.length).toBeLessThan(0.01);
    expect(same / a.length).toBeGreaterThanOrEqual(0.97);
    await f.dispose();
    await q.dispose();
  });
});

describe("int8.json", () => {
  const folder = (name: string): string => {
    const dir = join(tmp, name);
    cpSync("models/default", dir, { recursive: true, filter: (p) => !p.includes("report") });
    return dir;
  };

  it("chooses the arithmetic and the model id: int8 with the file, float without it or with onnxruntime-fp32", async () => {
    const dir = folder("choose");
    const q = await createScorer({ modelDir: dir, backend: "onnxruntime" });
    const f = await createScorer({ modelDir: dir, backend: "onnxruntime-fp32" });
    expect(q.modelId).toMatch(/^choose-cnn-\d{4}-\d\d-\d\dT\d{4}-int8$/);
    expect(q.engine).toMatch(/int8\)$/);
    expect(f.modelId).toMatch(/^choose-cnn-\d{4}-\d\d-\d\dT\d{4}$/);
    rmSync(join(dir, INT8_FILE));
    const plain = await createScorer({ modelDir: dir, backend: "auto" });
    expect(plain.modelId).toBe(f.modelId);
    await expect(loadOrtClassifier(dir, { precision: "int8" })).rejects.toThrow(/no int8\.json/);
    for (const s of [q, f, plain]) await s.dispose?.();
  });

  it("names what is wrong with a bad file in one line", async () => {
    const dir = folder("bad");
    const path = join(dir, INT8_FILE);
    const good = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    const cases: [string, RegExp][] = [
      ["{ not json", /int8\.json: not valid JSON/],
      [JSON.stringify({ ...good, schema: "other" }), /not a timbrescope-int8 v1 file/],
      [
        JSON.stringify({ ...good, layers: { block2_conv: { input: [1, 0], output: [0, 1] } } }),
        /block2_conv needs input and output ranges/,
      ],
      [JSON.stringify({ ...good, weightsSha256: "0".repeat(64) }), /calibrated on other weights/],
      [JSON.stringify({ ...good, layers: { nope: { input: [0, 1], output: [0, 1] } } }), /names nope, which is not a convolution/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(path, text);
      const err = await loadOrtClassifier(dir).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err?.message).toMatch(message);
      expect(err?.message).not.toContain("\n");
    }
  });
});
