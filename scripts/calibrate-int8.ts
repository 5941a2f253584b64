/**
 * Measures the value ranges that let ONNX Runtime run a model folder's convolutions in int8 and
 * writes them to MODEL_DIR/int8.json (src/model/onnx/calibrate.ts) from audio files: every 1 s
 * window, decoded to 22.05 kHz mono with whole-track RMS as `analyze` and the feature cache do.
 * `train` calibrates on its validation windows by itself; this is for weight averages and by hand.
 * Calibrate on training or validation audio, never on a held-out or real test set.
 *
 * Usage (after npm run build):
 *   node dist/scripts/calibrate-int8.js MODEL_DIR AUDIO_FILE_OR_FOLDER... [--note TEXT]
 * Folders are searched for *_MIX.wav (MedleyDB layout), else every .wav/.flac/.mp3/.ogg.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadMono } from "../src/audio/load.js";
import { melWindowDb } from "../src/features/mel.js";
import { rmsNormalize } from "../src/features/normalize.js";
import { DEFAULT_MEL_PARAMS, framesPerWindow } from "../src/features/params.js";
import { Int8RangeMeter } from "../src/model/onnx/calibrate.js";

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
  const meter = await Int8RangeMeter.open(modelDir);
  const paths = inputs.flatMap(audioFiles);
  try {
    for (const [i, path] of paths.entries()) {
      const { mel, n } = await melWindows(path);
      await meter.observe(mel, n);
      process.stderr.write(`\r[calibrate] ${i + 1}/${paths.length} files, ${meter.windows} windows`);
    }
    process.stderr.write("\n");
    const path = await meter.write(modelDir, `${paths.length} file(s)${note === undefined ? "" : ` (${note})`}`);
    process.stdout.write(`${path}: ranges of ${meter.convolutions} convolutions from ${meter.windows} windows\n`);
  } finally {
    await meter.release();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`calibrate-int8: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
