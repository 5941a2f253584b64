/**
 * Inference benchmark: ms per window at batch 1 and batch 32 for each architecture (random
 * weights, built with buildModel at the shipped model's widthScale and at the paper's width 1) on
 * each backend present, achieved GFLOP/s (forward FLOPs from modelStats / time) and its fraction
 * of the sgemm peak measured in the same run; the CNN and MLP also on ONNX Runtime (1 and 2
 * threads); and models/default through the scorer `analyze` and `live` use.
 */
import * as tf from "@tensorflow/tfjs";
import { buildModel, paperSpec } from "../src/model/architectures/index.js";
import type { ArchitectureName } from "../src/model/architectures/index.js";
import { initBackend } from "../src/model/backend.js";
import type { BackendKind } from "../src/model/backend.js";
import { predictWindows } from "../src/model/classifier.js";
import { readManifest } from "../src/model/load.js";
import { createScorer } from "../src/model/scorer.js";
import type { ScorerEngineOptions } from "../src/model/scorer-spec.js";
import { UnsupportedNetworkError } from "../src/model/onnx/convert.js";
import { ortPredictor } from "../src/model/onnx/ort-classifier.js";
import type { OrtPredictor } from "../src/model/onnx/ort-classifier.js";
import type { MelScorer } from "../src/pipeline/mel-scorer.js";
import { modelStats } from "../src/model/stats.js";
import { oneLine } from "../src/errors.js";
import type { InferenceRow } from "./lib/schema.js";
import { timeRepeats } from "./lib/stats.js";

/** Options of {@link benchInference}. */
export interface InferenceBenchOptions {
  readonly defaultModelDir: string;
  /** How the shipped model is named in the table (e.g. "models/default"). */
  readonly defaultModelLabel: string;
  readonly defaultWidthScale: number;
  /** 2-thread sgemm GFLOP/s (null: unknown, no fractions). */
  readonly peakGflops: number | null;
  readonly backends: readonly BackendKind[];
  readonly quick: boolean;
  readonly progress: (msg: string) => void;
}

const ARCHS: readonly ArchitectureName[] = ["mlp", "cnn", "crnn"];
const BIG_BATCH = 32;

function randomWindows(n: number, per: number): Float32Array {
  // Mel dB values of a normalised track live in about [-80, 20].
  let s = 987654321;
  return Float32Array.from({ length: n * per }, () => {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    return -80 + (100 * s) / 2 ** 32;
  });
}

function row(base: Omit<InferenceRow, "gflopsBatch32" | "peakFraction">, peak: number | null): InferenceRow {
  const g = base.batch32MsPerWindow === null ? null : (base.mflopsPerWindow * 1e6) / (base.batch32MsPerWindow / 1000) / 1e9;
  return { ...base, gflopsBatch32: g, peakFraction: g === null || peak === null ? null : g / peak };
}

/**
 * Times `predict(n)` for n = 1 and 32; ms per window from the best repetition (the one least disturbed by other load).
 * `slow` backends get one repetition and may skip batch 32.
 */
async function timeBatches(
  predict: (n: number) => unknown,
  o: { quick: boolean; slow: boolean; skip32: boolean },
): Promise<{ b1: number; b32: number | null }> {
  const budget = o.quick ? 400 : 1500;
  const b1 = Math.min(
    ...(await timeRepeats(() => predict(1), o.slow ? { warmup: 1, minReps: 1, maxReps: 1 } : { warmup: 2, minReps: 5, budgetMs: budget })),
  );
  if (o.skip32) return { b1, b32: null };
  const b32 = Math.min(
    ...(await timeRepeats(
      () => predict(BIG_BATCH),
      o.slow ? { warmup: 0, minReps: 1, maxReps: 1 } : { warmup: 1, minReps: o.quick ? 2 : 3, budgetMs: budget },
    )),
  );
  return { b1, b32: b32 / BIG_BATCH };
}

/**
 * Engines the shipped model is timed on: analyze's own choice first (int8 where the folder has int8.json), then
 * 2-thread ONNX Runtime, also in float (the like-for-like figure against the 2-thread float32 sgemm peak), and tfjs-wasm.
 */
const DEFAULT_MODEL_ENGINES: readonly { readonly label: string; readonly opts: ScorerEngineOptions }[] = [
  { label: "analyze's scorer", opts: {} },
  { label: "2 threads", opts: { backend: "onnxruntime", threads: 2 } },
  { label: "2 threads, float", opts: { backend: "onnxruntime-fp32", threads: 2 } },
  { label: "tfjs", opts: { backend: "wasm" } },
];

/** The shipped model through createScorer (model/scorer.ts), as analyze and live load it, on each engine. */
async function benchDefaultModel(o: InferenceBenchOptions): Promise<InferenceRow[]> {
  // The manifest carries the network's parameter and FLOP counts (modelStats at save time).
  const m = await readManifest(o.defaultModelDir);
  const per = m.inputShape[0] * m.inputShape[1];
  const x = randomWindows(BIG_BATCH, per);
  const base = {
    arch: m.architecture.name,
    widthScale: m.architecture.widthScale,
    source: o.defaultModelLabel,
    params: m.params,
    mflopsPerWindow: m.flopsPerWindow / 1e6,
  };
  const rows: InferenceRow[] = [];
  for (const e of DEFAULT_MODEL_ENGINES) {
    o.progress(`inference: ${o.defaultModelDir} (${e.label})`);
    let scorer: MelScorer;
    try {
      scorer = await createScorer({ modelDir: o.defaultModelDir, ...e.opts });
    } catch (err) {
      rows.push(
        row(
          {
            ...base,
            backend: e.opts.backend ?? "auto",
            batch1Ms: null,
            batch32MsPerWindow: null,
            skipped: `not available: ${oneLine(err).slice(0, 160)}`,
          },
          null,
        ),
      );
      continue;
    }
    try {
      const t = await timeBatches((n) => scorer.scoreMel(x.subarray(0, n * per), n), { quick: o.quick, slow: false, skip32: false });
      rows.push(
        row(
          {
            ...base,
            backend: `${scorer.engine ?? "?"}${e.label === "analyze's scorer" ? " ← analyze/live" : ""}`,
            batch1Ms: t.b1,
            batch32MsPerWindow: t.b32,
            skipped: null,
          },
          o.peakGflops,
        ),
      );
    } finally {
      await scorer.dispose?.();
    }
  }
  return rows;
}

/** The random-weight networks on ONNX Runtime with 1 and 2 threads (the CRNN is not converted). */
async function benchOrt(candidates: readonly Candidate[], o: InferenceBenchOptions): Promise<InferenceRow[]> {
  const rows: InferenceRow[] = [];
  for (const c of candidates) {
    const base = { arch: c.arch, widthScale: c.widthScale, source: "random", params: c.params, mflopsPerWindow: c.mflops };
    for (const threads of [1, 2]) {
      let p: OrtPredictor;
      try {
        p = await ortPredictor(c.model, { threads });
      } catch (err) {
        rows.push(
          row(
            {
              ...base,
              backend: `onnxruntime (${threads} thread${threads === 1 ? "" : "s"})`,
              batch1Ms: null,
              batch32MsPerWindow: null,
              skipped:
                err instanceof UnsupportedNetworkError
                  ? "not converted to ONNX (recurrent layers): runs on tfjs"
                  : `not available: ${oneLine(err).slice(0, 160)}`,
            },
            null,
          ),
        );
        if (err instanceof UnsupportedNetworkError) break;
        return rows;
      }
      try {
        o.progress(`inference: ${c.arch} x${c.widthScale} on ${p.description}`);
        const x = randomWindows(BIG_BATCH, c.per);
        const t = await timeBatches((n) => p.predict(x.subarray(0, n * c.per), n), { quick: o.quick, slow: false, skip32: false });
        rows.push(row({ ...base, backend: p.description, batch1Ms: t.b1, batch32MsPerWindow: t.b32, skipped: null }, o.peakGflops));
      } finally {
        await p.dispose();
      }
    }
  }
  return rows;
}

/** A random-weight network to time. */
interface Candidate {
  readonly arch: ArchitectureName;
  readonly widthScale: number;
  readonly model: tf.LayersModel;
  readonly per: number;
  readonly params: number;
  readonly mflops: number;
}

/**
 * Runs the inference section (in this process; call it before anything else initialises a backend).
 * The networks are built once, on the first backend: tfjs moves a tensor to the current backend
 * when it is used, and building on the cpu backend is slow (the GRU's orthogonal initialiser runs a
 * QR decomposition op by op: minutes in plain JavaScript).
 */
export async function benchInference(o: InferenceBenchOptions): Promise<InferenceRow[]> {
  const rows: InferenceRow[] = await benchDefaultModel(o);
  const widths = [...new Set([o.defaultWidthScale, 1])];
  const candidates: Candidate[] = [];
  try {
    for (const kind of o.backends) {
      let description: string;
      try {
        description = (await initBackend(kind)).description;
      } catch (err) {
        rows.push(
          row(
            {
              arch: "all",
              widthScale: 1,
              source: "random",
              backend: kind,
              params: 0,
              mflopsPerWindow: 0,
              batch1Ms: null,
              batch32MsPerWindow: null,
              skipped:
                kind === "tensorflow" && /not loadable/.test(oneLine(err))
                  ? "not installed (npm install @tensorflow/tfjs-node to time it)"
                  : `not available: ${oneLine(err).slice(0, 160)}`,
            },
            null,
          ),
        );
        continue;
      }
      if (candidates.length === 0) {
        for (const arch of ARCHS) {
          for (const widthScale of widths) {
            const spec = paperSpec(arch, { widthScale });
            const model = buildModel(spec, 1);
            const stats = modelStats(model);
            candidates.push({
              arch,
              widthScale,
              model,
              per: spec.inputShape[0] * spec.inputShape[1],
              params: stats.params,
              mflops: stats.flopsPerWindow / 1e6,
            });
          }
        }
      }
      for (const c of candidates) {
        const base = {
          arch: c.arch,
          widthScale: c.widthScale,
          source: "random",
          backend: description,
          params: c.params,
          mflopsPerWindow: c.mflops,
        };
        const slow = kind === "cpu" && c.arch !== "mlp";
        if (slow && o.quick) {
          rows.push(
            row(
              { ...base, batch1Ms: null, batch32MsPerWindow: null, skipped: "--quick: cpu backend convolutions take seconds per window" },
              o.peakGflops,
            ),
          );
          continue;
        }
        o.progress(`inference: ${c.arch} x${c.widthScale} on ${description}`);
        const x = randomWindows(BIG_BATCH, c.per);
        const t = await timeBatches((n) => predictWindows(c.model, x, n, BIG_BATCH), { quick: o.quick, slow, skip32: slow });
        rows.push(
          row(
            {
              ...base,
              batch1Ms: t.b1,
              batch32MsPerWindow: t.b32,
              skipped: slow ? "batch 32 not timed on the cpu backend (tens of seconds per batch)" : null,
            },
            o.peakGflops,
          ),
        );
      }
    }
    rows.push(...(await benchOrt(candidates, o)));
  } finally {
    for (const c of candidates) c.model.dispose();
  }
  o.progress(`inference: done (${tf.memory().numTensors} tensors left)`);
  return rows;
}
