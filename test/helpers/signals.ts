/**
 * The eight mel fixture test signals (docs/fixtures.md, "Test signals"), built in
 * float64 from their recipes: 22050 samples at 22050 Hz, t = n / 22050. The expressions keep
 * numpy's operation order so the values match the fixtures' input_check to the last few ulps.
 */

export const SIGNAL_SAMPLE_RATE_HZ = 22050;
export const SIGNAL_LENGTH = 22050;

export const SIGNAL_NAMES = [
  "sine440",
  "chirp_100_8000",
  "three_sines",
  "lcg_noise",
  "silence",
  "impulse_at_11025",
  "three_sines_rmsnorm",
  "lcg_noise_rmsnorm",
] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

function fromTime(f: (t: number) => number, n = SIGNAL_LENGTH): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = f(i / SIGNAL_SAMPLE_RATE_HZ);
  return y;
}

/** Uniform noise in [-0.5, 0.5) from the 32-bit LCG s = (1664525 s + 1013904223) mod 2^32. */
export function lcgNoise(seed: number, n = SIGNAL_LENGTH): Float64Array {
  const y = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    y[i] = 0.5 * ((2 * s) / 2 ** 32 - 1);
  }
  return y;
}

/** x / sqrt(mean(x^2)), written out here so the fixture check does not depend on src/. */
function rmsNormReference(x: Float64Array): Float64Array {
  let sum = 0;
  for (const v of x) sum += v * v;
  const r = Math.sqrt(sum / x.length);
  return x.map((v) => v / r);
}

const threeSines = (t: number): number =>
  0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 1000 * t) + 0.1 * Math.sin(2 * Math.PI * 5000 * t);

/** Builds the named fixture signal (float64, 22050 samples). */
export function makeSignal(name: SignalName): Float64Array {
  switch (name) {
    case "sine440":
      return fromTime((t) => 0.5 * Math.sin(2 * Math.PI * 440 * t));
    case "chirp_100_8000":
      return fromTime((t) => 0.5 * Math.sin(2 * Math.PI * (100 * t + 0.5 * 7900 * t * t)));
    case "three_sines":
      return fromTime(threeSines);
    case "lcg_noise":
      return lcgNoise(12345);
    case "silence":
      return new Float64Array(SIGNAL_LENGTH);
    case "impulse_at_11025": {
      const y = new Float64Array(SIGNAL_LENGTH);
      y[11025] = 1;
      return y;
    }
    case "three_sines_rmsnorm":
      return rmsNormReference(fromTime(threeSines));
    case "lcg_noise_rmsnorm":
      return rmsNormReference(lcgNoise(12345));
  }
}
