/**
 * Channel downmix to mono as librosa's `to_mono` does it: the plain mean over channels
 * (no -3 dB pan law, no channel weights), per sample.
 */

/**
 * Averages planar channels into one new mono signal (sum in float64, one rounding to float32).
 * A single channel is returned as a copy, so callers may always modify the result.
 * @param channels one or more equally long channels
 * @throws Error for an empty channel list or channels of different lengths (programming errors)
 */
export function downmixToMono(channels: readonly Float32Array[]): Float32Array {
  const first = channels[0];
  if (first === undefined) throw new Error("downmixToMono: no channels");
  const n = first.length;
  if (channels.some((c) => c.length !== n)) throw new Error("downmixToMono: channels differ in length");
  if (channels.length === 1) return first.slice();
  const out = new Float32Array(n);
  const k = channels.length;
  if (k === 2) {
    const b = channels[1] as Float32Array;
    for (let i = 0; i < n; i++) out[i] = ((first[i] as number) + (b[i] as number)) / 2;
    return out;
  }
  const acc = new Float64Array(n);
  for (const c of channels) for (let i = 0; i < n; i++) acc[i] = (acc[i] as number) + (c[i] as number);
  for (let i = 0; i < n; i++) out[i] = (acc[i] as number) / k;
  return out;
}
