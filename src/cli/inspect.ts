/**
 * `timbrescope inspect FILE`: what the front-end sees in a file -- format, rate, channels, duration,
 * level -- and its mel spectrogram as a terminal heat-map. `npm start` runs it on the bundled clip
 * until the live bridge lands.
 */
import type { Command } from "commander";
import { loadMono } from "../audio/load.js";
import { melWholeDb } from "../features/mel.js";
import { rmsNormalize } from "../features/normalize.js";
import { DEFAULT_MEL_PARAMS } from "../features/params.js";
import { renderHeatmap } from "./ascii-heatmap.js";

/** Registers `inspect`. */
export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description("show an audio file's format, level and mel spectrogram (as the model's front-end sees it)")
    .argument("<file>", "audio file (WAV, FLAC, MP3, OGG Vorbis)")
    .option("--width <cols>", "heat-map width in characters", "72")
    .addHelpText("after", "\nExample:\n  timbrescope inspect assets/demo/demo-clip.flac\n")
    .action(async (file: string, opts: { width: string }) => {
      const width = Number(opts.width);
      const out = await inspectFile(file, { width: Number.isInteger(width) && width > 0 ? width : 72 });
      process.stdout.write(out.join("\n") + "\n");
    });
}

/** Builds the report lines for `file` (exported for tests). */
export async function inspectFile(file: string, opts: { width: number }): Promise<string[]> {
  const p = DEFAULT_MEL_PARAMS;
  const audio = await loadMono(file, { sampleRateHz: p.sampleRateHz });
  const x = audio.samples;
  let peak = 0;
  let sumSq = 0;
  for (const v of x) {
    const a = Math.abs(v);
    if (a > peak) peak = a;
    sumSq += v * v;
  }
  const rms = Math.sqrt(sumSq / Math.max(1, x.length));
  const dbfs = (v: number): string => (v > 0 ? `${(20 * Math.log10(v)).toFixed(1)} dBFS` : "-inf dBFS");
  const durationSec = x.length / p.sampleRateHz;
  const t0 = performance.now();
  const mel = melWholeDb(rmsNormalize(x), p);
  const ms = performance.now() - t0;
  const { source } = audio;
  const lines = [
    `${file}`,
    `  format ${source.format}, ${source.sampleRateHz} Hz, ${source.channels} channel(s), ${durationSec.toFixed(2)} s`,
    `  peak ${dbfs(peak)}, RMS ${dbfs(rms)} (after downmix to mono and resampling to ${p.sampleRateHz} Hz)`,
    `  mel: ${p.nMels} bands x ${mel.nFrames} frames (hop ${p.hopSamples}), ${Math.floor(durationSec)} whole 1 s windows, computed in ${ms.toFixed(1)} ms`,
    "",
    `  mel spectrogram (dB, top 60 dB; low bands at the bottom; ${durationSec.toFixed(1)} s left to right)`,
  ];
  for (const row of renderHeatmap(mel.data, p.nMels, mel.nFrames, { width: opts.width, height: 16 })) lines.push(`  |${row}|`);
  return lines;
}
