/**
 * Measures the value ranges that let ONNX Runtime run a model folder's convolutions in int8 and
 * writes them to MODEL_DIR/int8.json (src/model/onnx/int8-calibration.ts). The float network
 * scores every 1 s window of the calibration audio (decoded, 22.05 kHz mono, whole-track RMS, as
 * `analyze` and the feature cache do); each convolution but the first (its input is the mel spectrogram itself, and it
 * is 2 % of the work) gets the minimum and maximum of its input and batch-normalised output.
 * Calibrate on training or validation audio, never on a held-out or real test set.
 *
 * Usage (after npm run build):
 *   node dist/scripts/calibrate-int8.js MODEL_DIR AUDIO_FILE_OR_FOLDER... [--note TEXT]
 * Folders are searched for *_MIX.wav (MedleyDB layout), else every .wav/.flac/.mp3/.ogg.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { loadMono } from "../src/audio/load.js";
import { melWindowDb } from "../src/features/mel.js";
import { rmsNormalize } from "../src/features/normalize.js";
import { DEFAULT_MEL_PARAMS, framesPerWindow } from "../src/features/params.js";
import { MODEL_FILES, readModelFiles } from "../src/model/model-files.js";
import { networkTaps, ONNX_INPUT } from "../src/model/onnx/convert.js";
import { weightsSha256, writeInt8Calibration } from "../src/model/onnx/int8-calibration.js";
import { networkFromModelJson } from "../src/model/onnx/network-spec.js";
import { encodeOnnxModel } from "../src/model/onnx/proto.js";

const AUDIO = /\.(wav|flac|mp3|ogg)$/i;

function audioFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const all: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (AUDIO.test(e.name)) all.push(join(d, e.name));
    }
  };
  walk(path);
  const mixes = all.filter((f) => f.endsWith("_MIX.wav"));
  return (mixes.length > 0 ? mixes : all).sort();
}

/** Every whole 1 s window of `path` as mel dB, as the feature cache (training, evaluation) computes them. */
async function melWindows(path: string): Promise<{ mel: Float32Array; n: number }> {
  const p = DEFAULT_MEL_PARAMS;
  const x = rmsNormalize((await loadMono(path, { sampleRateHz: p.sampleRateHz })).samples);
  const n = Math.floor(x.length / p.windowSamples);
  const size = p.nMels * framesPerWindow(p);
  const mel = new Float32Array(n * size);
  for (let k = 0; k < n; k++) melWindowDb(x, k * p.windowSamples, p, mel.subarray(k * size, (k + 1) * size));
  return { mel, n };
}

async function main(args: string[]): Promise<void> {
  const noteAt = args.indexOf("--note");
  const note = noteAt >= 0 ? args.splice(noteAt, 2)[1] : undefined;
  const [modelDir, ...inputs] = args;
  if (modelDir === undefined || inputs.length === 0) {
    process.stderr.write("usage: node dist/scripts/calibrate-int8.js MODEL_DIR AUDIO_FILE_OR_FOLDER... [--note TEXT]\n");
    process.exitCode = 2;
    return;
  }
  const files = await readModelFiles(join(modelDir, MODEL_FILES.topology));
  const net = networkFromModelJson(files.json, files.specs, files.weights);
  const { graph, taps } = networkTaps(net);
  const convs = [...taps.entries()].slice(1);
  const names = convs.flatMap(([, t]) => [t.input, t.output]);
  const tapped = { ...graph, outputs: [...graph.outputs, ...names.map((name) => ({ name, shape: ["N", "C", "H", "W"] }))] };
  const session = await ort.InferenceSession.create(encodeOnnxModel(tapped), { intraOpNumThreads: 2, logSeverityLevel: 3 });
  const lo = new Map(names.map((n) => [n, 0])); // ranges always hold 0 (padding)
  const hi = new Map(names.map((n) => [n, 0]));
  const [bands, frames] = net.inputShape;
  let windows = 0;
  const paths = inputs.flatMap(audioFiles);
  for (const [i, path] of paths.entries()) {
    const { mel, n } = await melWindows(path);
    for (let k = 0; k < n; k += 32) {
      const m = Math.min(32, n - k);
      const x = new ort.Tensor("float32", mel.subarray(k * bands * frames, (k + m) * bands * frames), [m, bands, frames, 1]);
      const out = await session.run({ [ONNX_INPUT]: x }, names);
      for (const name of names) {
        const v = out[name]?.data as Float32Array;
        let a = lo.get(name) as number,
          b = hi.get(name) as number;
        for (const y of v) {
          if (y < a) a = y;
          if (y > b) b = y;
        }
        lo.set(name, a);
        hi.set(name, b);
      }
    }
    windows += n;
    process.stderr.write(`\r[calibrate] ${i + 1}/${paths.length} files, ${windows} windows`);
  }
  process.stderr.write("\n");
  await session.release();
  const r = (name: string): [number, number] => [lo.get(name) as number, hi.get(name) as number];
  const path = await writeInt8Calibration(modelDir, {
    schema: "timbrescope-int8",
    schemaVersion: 1,
    weightsSha256: weightsSha256(files.weights),
    method: `min and max of each tensor over every 1 s window of ${paths.length} file(s)${note === undefined ? "" : ` (${note})`}`,
    windows,
    createdAt: new Date().toISOString(),
    layers: Object.fromEntries(convs.map(([layer, t]) => [layer, { input: r(t.input), output: r(t.output) }])),
  });
  process.stdout.write(`${path}: ranges of ${convs.length} convolutions from ${windows} windows\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`calibrate-int8: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
