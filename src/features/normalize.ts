/**
 * Track-level RMS normalisation, applied offline before windowing (MelParams.normalization
 * "rms-track"): y / sqrt(mean(y^2)) over the whole track, so the model sees every track at unit
 * RMS whatever its mastering level. Sums run in float64 whatever the input type.
 */

/**
 * Below this RMS a track counts as silent and {@link rmsNormalize} returns zeros instead of
 * dividing: 1e-12 is ~-240 dBFS, far below the 16-bit (~-96 dBFS) and float32 noise floors, so
 * only digital silence (or denormal dust) trips it, and it keeps 1/rms finite.
 */
export const RMS_SILENCE_THRESHOLD = 1e-12;

/** Root mean square of `x` (0 for an empty array), accumulated in float64. */
export function rms(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 0) return 0;
  return Math.sqrt(sumSquares(x) / n);
}

/**
 * Σ x² accumulated in signal order onto `acc` (float64), so a signal summed chunk by chunk gives
 * the same bits as summed whole: the streaming offline pipeline's track RMS equals rms().
 */
export function sumSquares(x: ArrayLike<number>, acc = 0): number {
  let sum = acc;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    sum += v * v;
  }
  return sum;
}

/**
 * Returns a new array of the same type: x / rms(x). A silent track (rms < RMS_SILENCE_THRESHOLD,
 * including all zeros and empty input) gives an all-zero copy, never NaN or Infinity.
 * @throws RangeError if x contains NaN or Infinity (corrupt audio should not be hidden as silence)
 */
export function rmsNormalize<T extends Float32Array | Float64Array>(x: T): T {
  const out = x.slice() as T;
  const r = rms(x);
  if (!Number.isFinite(r)) throw new RangeError("rmsNormalize: the signal contains NaN or Infinity");
  if (r < RMS_SILENCE_THRESHOLD) {
    out.fill(0);
    return out;
  }
  // Divide (not multiply by 1/r), as numpy's x / np.sqrt(np.mean(x**2)) does.
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / r;
  return out;
}
