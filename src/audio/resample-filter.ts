/**
 * FIR prototype design for the rational polyphase resampler (resample.ts).
 *
 * The resampler conceptually upsamples by `up` (zero insertion), low-pass filters at the rate
 * `up * inHz` with one linear-phase prototype `taps`, and keeps every `down`-th sample. Two designs:
 *
 * - "hq" (default): a Kaiser-windowed sinc sized by Kaiser's formulas (Oppenheim & Schafer,
 *   Discrete-Time Signal Processing, 3rd ed., eqs. 7.62-7.63) for a pass band flat to 91 % of the
 *   lower Nyquist frequency (10.03 kHz for 22.05 kHz output) and >= 100 dB rejection from the lower
 *   Nyquist frequency up: the soxr "HQ" shape (pass band to ~91 %, stop band from 100 %, so nothing
 *   aliases back below the output Nyquist), designed to its transition width.
 * - "scipy-poly": exactly `scipy.signal.resample_poly(x, up, down)` with its defaults
 *   (`firwin(2*half_len+1, 1/max(up,down), window=('kaiser', 5.0))`, half_len = 10*max(up,down),
 *   gain `up`). Useful to validate the polyphase machinery against a fixture to 1e-8.
 */
import { UserError } from "../errors.js";

/** Which prototype filter the resampler uses. */
export type ResampleFilterKind = "hq" | "scipy-poly";

/** A designed linear-phase prototype filter for an `up`/`down` rate change. */
export interface PolyphasePrototype {
  /** Interpolation factor L (output rate / gcd). */
  readonly up: number;
  /** Decimation factor M (input rate / gcd). */
  readonly down: number;
  /** Prototype impulse response at rate `up * inHz`, odd length, symmetric, DC gain `up`. */
  readonly taps: Float64Array;
}

/** HQ pass-band edge as a fraction of the lower of the two Nyquist frequencies (soxr HQ: 0.913). */
export const HQ_PASSBAND_END = 0.91;
/** HQ stop-band edge as a fraction of the lower Nyquist frequency: nothing aliases below it. */
export const HQ_STOPBAND_BEGIN = 1.0;
/**
 * HQ design attenuation in dB (Kaiser's formulas land within ~1 dB of it). 100 dB is below the
 * quantisation floor of 16-bit audio (98 dB) and of the float32 samples the pipeline carries.
 */
export const HQ_ATTENUATION_DB = 102;
/** The largest polyphase prototype we build (doubles); beyond it the rate ratio is unreasonable. */
export const MAX_PROTOTYPE_TAPS = 1 << 24;

/** Greatest common divisor of two non-negative integers. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Modified Bessel function of the first kind, order 0, by its power series
 * I0(x) = sum_k ((x/2)^k / k!)^2, which converges fast for the Kaiser betas used here (< 20).
 */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** numpy.sinc: sin(pi x) / (pi x), 1 at x = 0. */
function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/**
 * Windowed-sinc low-pass like `scipy.signal.firwin(numTaps, cutoff, window=('kaiser', beta))`:
 * `cutoff` is relative to the Nyquist frequency (1 = Nyquist), the window is the symmetric Kaiser
 * window, and the result is scaled to DC gain `gain` (firwin's `scale=True` gives 1).
 */
export function kaiserLowpass(numTaps: number, cutoff: number, beta: number, gain: number): Float64Array {
  const h = new Float64Array(numTaps);
  const alpha = (numTaps - 1) / 2;
  const i0Beta = besselI0(beta);
  let sum = 0;
  for (let n = 0; n < numTaps; n++) {
    const m = n - alpha;
    const r = alpha === 0 ? 0 : m / alpha;
    const w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
    const v = cutoff * sinc(cutoff * m) * w;
    h[n] = v;
    sum += v;
  }
  // firwin divides by the DC response; resample_poly then multiplies by `up`.
  for (let n = 0; n < numTaps; n++) h[n] = ((h[n] as number) / sum) * gain;
  return h;
}

/** Kaiser's beta for a stop-band attenuation of `attDb` dB (O&S eq. 7.62). */
export function kaiserBeta(attDb: number): number {
  if (attDb > 50) return 0.1102 * (attDb - 8.7);
  if (attDb >= 21) return 0.5842 * (attDb - 21) ** 0.4 + 0.07886 * (attDb - 21);
  return 0;
}

function checkRate(name: string, hz: number): void {
  if (!Number.isInteger(hz) || hz <= 0) throw new UserError(`Expected ${name} a positive integer in Hz, got ${hz}`);
}

/** Reduces inHz/outHz to the coprime pair (up, down) = (outHz/g, inHz/g). */
export function rateRatio(inHz: number, outHz: number): { up: number; down: number } {
  checkRate("input rate", inHz);
  checkRate("output rate", outHz);
  const g = gcd(inHz, outHz);
  return { up: outHz / g, down: inHz / g };
}

function checkSize(numTaps: number, inHz: number, outHz: number, up: number, down: number): void {
  if (numTaps > MAX_PROTOTYPE_TAPS) {
    throw new UserError(
      `cannot resample ${inHz} Hz -> ${outHz} Hz: the reduced ratio ${up}/${down} needs a ${numTaps}-tap ` +
        `polyphase filter (limit ${MAX_PROTOTYPE_TAPS}); convert the file to a common rate first`,
    );
  }
}

const cache = new Map<string, PolyphasePrototype>();

/**
 * Designs (and caches) the prototype filter for resampling `inHz` -> `outHz` (positive integers).
 * @param kind "hq" (default) or "scipy-poly" (see the module comment).
 */
export function designPrototype(inHz: number, outHz: number, kind: ResampleFilterKind = "hq"): PolyphasePrototype {
  const { up, down } = rateRatio(inHz, outHz);
  const key = `${kind}:${up}:${down}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const maxUd = Math.max(up, down);
  let taps: Float64Array;
  if (kind === "scipy-poly") {
    const halfLen = 10 * maxUd;
    checkSize(2 * halfLen + 1, inHz, outHz, up, down);
    taps = kaiserLowpass(2 * halfLen + 1, 1 / maxUd, 5.0, up);
  } else {
    // Frequencies relative to the prototype's Nyquist (up*inHz/2). The lower Nyquist of the two
    // rates sits at 1/max(up, down) there, whether we decimate (output) or interpolate (input).
    const nyq = 1 / maxUd;
    const pass = HQ_PASSBAND_END * nyq;
    const stop = HQ_STOPBAND_BEGIN * nyq;
    // Kaiser's length estimate N - 1 = (A - 7.95) / (2.285 * dw), dw in rad/sample (O&S eq. 7.63).
    const dw = Math.PI * (stop - pass);
    let numTaps = Math.ceil((HQ_ATTENUATION_DB - 7.95) / (2.285 * dw)) + 1;
    if (numTaps % 2 === 0) numTaps++; // odd: integer group delay, so output aligns with input
    checkSize(numTaps, inHz, outHz, up, down);
    taps = kaiserLowpass(numTaps, (pass + stop) / 2, kaiserBeta(HQ_ATTENUATION_DB), up);
  }
  const proto: PolyphasePrototype = { up, down, taps };
  cache.set(key, proto);
  return proto;
}
