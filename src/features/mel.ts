/**
 * THE mel front-end: the only mel implementation, used live, in training and in evaluation.
 *
 * It reproduces librosa 0.10
 *   S = melspectrogram(y, sr=22050, n_fft=1024, hop_length=256, n_mels=96, fmin=0, fmax=11025)
 *   D = power_to_db(S, ref=1.0)          (amin 1e-10, top_db 80)
 * in float64 (see docs/fixtures.md, "The mel recipe the fixtures encode"; the tests
 * check every fixture to <= 1e-3 dB). Layout everywhere: row-major [nMels][nFrames], band 0 lowest,
 * frame t centred on sample t * hop of the signal passed in.
 *
 * A model input (Gururani et al., ISMIR 2018, §3.1) is one 1 s window treated as a signal of its
 * own: padded at its own ends and clipped to 80 dB below its own maximum ({@link melWindowDb}).
 */
import { powerToDb } from "./db.js";
import { applyFilterbank, melFilterbank } from "./filterbank.js";
import type { MelParams } from "./params.js";
import { DEFAULT_MEL_PARAMS } from "./params.js";
import { centeredFrameCount, framePowerFor } from "./stft.js";

/** Mono samples at p.sampleRateHz; float64 or float32 (read as float64). */
export type SampleArray = Float32Array | Float64Array;

/** A mel matrix, row-major [nMels][nFrames]: data[m * nFrames + t]. */
export interface MelMatrix<T extends Float32Array | Float64Array> {
  readonly data: T;
  readonly nMels: number;
  readonly nFrames: number;
}

/**
 * Mel power spectrogram of the whole of `samples` into `out` (row-major [nMels][nFrames], at least
 * nMels * nFrames long; nothing is allocated). Padding (p.padMode) is applied at the ends of
 * `samples`. Returns nFrames = 1 + floor(samples.length / p.hopSamples).
 */
export function melPowerInto(samples: SampleArray, p: MelParams, out: Float64Array): number {
  const nFrames = centeredFrameCount(samples.length, p.hopSamples);
  const fb = melFilterbank(p);
  if (out.length < fb.nMels * nFrames) {
    throw new RangeError(`melPowerInto: out holds ${out.length} values, need ${fb.nMels} x ${nFrames}`);
  }
  const spec = framePowerFor(p.nFft);
  const half = p.nFft >> 1;
  for (let t = 0; t < nFrames; t++) {
    const power = spec.compute(samples, t * p.hopSamples - half, p.padMode);
    applyFilterbank(fb, power, out, t, nFrames);
  }
  return nFrames;
}

/**
 * Mel power spectrogram S (before dB) of the whole signal, float64.
 * @param samples mono samples at p.sampleRateHz (22050 Hz by default)
 * @param p       front-end params (default DEFAULT_MEL_PARAMS: 1024/256, 96 bands, constant pad)
 */
export function melPower(samples: SampleArray, p: MelParams = DEFAULT_MEL_PARAMS): MelMatrix<Float64Array> {
  const nFrames = centeredFrameCount(samples.length, p.hopSamples);
  const data = new Float64Array(p.nMels * nFrames);
  melPowerInto(samples, p, data);
  return { data, nMels: p.nMels, nFrames };
}

/**
 * Mel spectrogram in dB of a whole signal (what `timbrescope mel` writes): [nMels][T] float32 with
 * T = 1 + floor(n / hop), top_db clipping relative to the maximum over the whole signal.
 */
export function melWholeDb(samples: SampleArray, p: MelParams = DEFAULT_MEL_PARAMS): MelMatrix<Float32Array> {
  const power = melPower(samples, p);
  return { data: powerToDb(power.data, p), nMels: power.nMels, nFrames: power.nFrames };
}

/** Scratch for one window's power, reused across calls (the live path calls this 4x/s). */
let windowScratch = new Float64Array(0);

/**
 * One model input: the mel spectrogram in dB of samples[startSample, startSample + p.windowSamples)
 * treated as a signal of its own (padded at its own ends, top_db relative to its own maximum).
 * @param samples     mono samples at p.sampleRateHz
 * @param startSample first sample of the window (integer, >= 0; the window must fit inside samples)
 * @param p           front-end params (default: 22050-sample window -> 96 x 87)
 * @param out         optional destination of nMels * framesPerWindow values, reused across calls
 * @returns `out` or a new Float32Array, row-major [nMels][framesPerWindow] (96 x 87 by default)
 */
export function melWindowDb(
  samples: SampleArray,
  startSample: number,
  p: MelParams = DEFAULT_MEL_PARAMS,
  out?: Float32Array,
): Float32Array {
  const end = startSample + p.windowSamples;
  if (!Number.isInteger(startSample) || startSample < 0 || end > samples.length) {
    throw new RangeError(`melWindowDb: window [${startSample}, ${end}) does not fit in ${samples.length} samples`);
  }
  const nFrames = centeredFrameCount(p.windowSamples, p.hopSamples);
  const size = p.nMels * nFrames;
  const dst = out ?? new Float32Array(size);
  if (dst.length !== size) throw new RangeError(`melWindowDb: out holds ${dst.length} values, need ${p.nMels} x ${nFrames}`);
  if (windowScratch.length < size) windowScratch = new Float64Array(size);
  const power = windowScratch.subarray(0, size);
  // subarray is a view, so the window's ends are the signal's ends for the padding.
  melPowerInto(samples.subarray(startSample, end), p, power);
  return powerToDb(power, p, dst);
}
