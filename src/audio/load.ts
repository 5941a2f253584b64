/**
 * The one way the analysis pipeline reads a file: decode -> downmix (channel mean) -> resample
 * (HQ polyphase, default 22050 Hz) -> float32 mono. RMS normalisation is left to the caller (the
 * mel front-end does it).
 */
import { UserError } from "../errors.js";
import { decodeFile } from "./decode.js";
import { downmixToMono } from "./downmix.js";
import { resample } from "./resample.js";
import type { MonoAudio } from "./types.js";

/** The analysis sample rate of the paper's pipeline, Hz. */
export const DEFAULT_ANALYSIS_RATE_HZ = 22050;

/** Options for loadMono. */
export interface LoadMonoOptions {
  /** Output sample rate, a positive integer in Hz. Default 22050 (DEFAULT_ANALYSIS_RATE_HZ). */
  readonly sampleRateHz?: number;
}

/**
 * Loads an audio file as mono float32 at `opts.sampleRateHz` (default 22050 Hz).
 * Output length is ceil(frames * outHz / fileHz), aligned with the file's first sample.
 * @throws InputFileError for file problems (see decodeFile); UserError for a bad sampleRateHz
 */
export async function loadMono(path: string, opts: LoadMonoOptions = {}): Promise<MonoAudio> {
  const outHz = opts.sampleRateHz ?? DEFAULT_ANALYSIS_RATE_HZ;
  if (!Number.isInteger(outHz) || outHz <= 0) {
    throw new UserError(`Expected sampleRateHz a positive integer in Hz, got ${outHz}`);
  }
  const decoded = await decodeFile(path);
  const mono = downmixToMono(decoded.channels);
  const samples = decoded.sampleRateHz === outHz ? mono : new Float32Array(resample(mono, decoded.sampleRateHz, outHz));
  return {
    samples,
    sampleRateHz: outHz,
    source: { sampleRateHz: decoded.sampleRateHz, channels: decoded.channels.length, format: decoded.format, path },
  };
}
