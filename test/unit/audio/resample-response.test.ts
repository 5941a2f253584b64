/**
 * Frequency response of the HQ resampler, measured two ways:
 * 1. the prototype filter's magnitude response via a zero-padded FFT, for every common input rate
 *    (pass-band ripple up to 10 kHz at 22.05 kHz output, i.e. 10000/11025 of the lower Nyquist;
 *    stop-band attenuation from the lower Nyquist up), normalised by the interpolation gain L;
 * 2. end to end: sines through resample(), fitted at the output rate (amplitude, alignment, aliases).
 */
import FFT from "fft.js";
import { describe, expect, it } from "vitest";
import { designPrototype } from "../../../src/audio/resample-filter.js";
import { resample } from "../../../src/audio/resample.js";

/** Magnitude response |H(f)| / up at FFT bins, bin k at frequency k * up * inHz / size. */
function magnitude(taps: Float64Array, up: number): { mag: Float64Array; size: number } {
  let size = 1024;
  while (size < 4 * taps.length) size *= 2;
  const fft = new FFT(size);
  const input = new Array<number>(size).fill(0);
  for (let i = 0; i < taps.length; i++) input[i] = taps[i] as number;
  const out = fft.createComplexArray() as number[];
  fft.realTransform(out, input);
  const mag = new Float64Array(size / 2 + 1);
  for (let k = 0; k <= size / 2; k++) mag[k] = Math.hypot(out[2 * k] as number, out[2 * k + 1] as number) / up;
  return { mag, size };
}

const CASES: [number, number][] = [
  [8000, 22050],
  [11025, 22050],
  [16000, 22050],
  [32000, 22050],
  [44100, 22050],
  [48000, 22050],
  [88200, 22050],
  [96000, 22050],
  [176400, 22050],
  [192000, 22050],
  [22050, 44100],
  [48000, 44100],
  [96000, 44100],
];

describe("HQ prototype filter response (FFT of the taps)", () => {
  it.each(CASES)("%i Hz -> %i Hz: ripple <= 0.01 dB in the pass band, >= 80 dB stop band", (inHz, outHz) => {
    const proto = designPrototype(inHz, outHz, "hq");
    const { mag, size } = magnitude(proto.taps, proto.up);
    const binHz = (proto.up * inHz) / size;
    const nyqMin = Math.min(inHz, outHz) / 2;
    const passEdgeHz = (nyqMin * 10000) / 11025; // 10 kHz when the lower rate is 22.05 kHz
    let rippleDb = 0;
    let stopPeak = 0;
    for (let k = 0; k < mag.length; k++) {
      const f = k * binHz;
      const m = mag[k] as number;
      if (f <= passEdgeHz) rippleDb = Math.max(rippleDb, Math.abs(20 * Math.log10(m)));
      if (f >= nyqMin) stopPeak = Math.max(stopPeak, m);
    }
    const stopDb = -20 * Math.log10(stopPeak);
    console.log(
      `[resample] ${inHz}->${outHz}: ${proto.taps.length} taps (${Math.ceil(proto.taps.length / proto.up)}/phase), ` +
        `ripple ${rippleDb.toExponential(2)} dB to ${passEdgeHz.toFixed(0)} Hz, stop band ${stopDb.toFixed(1)} dB from ${nyqMin} Hz`,
    );
    expect(rippleDb).toBeLessThanOrEqual(0.01);
    expect(stopDb).toBeGreaterThanOrEqual(80);
  });
});

/** Least-squares fit of a*sin(wt) + b*cos(wt) over y[lo..hi); returns amplitude. */
function fitAmplitude(y: Float64Array, fHz: number, rateHz: number, lo: number, hi: number): number {
  let ss = 0, cc = 0, sc = 0, ys = 0, yc = 0; // prettier-ignore
  for (let m = lo; m < hi; m++) {
    const w = (2 * Math.PI * fHz * m) / rateHz;
    const s = Math.sin(w);
    const c = Math.cos(w);
    const v = y[m] as number;
    ss += s * s;
    cc += c * c;
    sc += s * c;
    ys += v * s;
    yc += v * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  return Math.hypot(a, b);
}

describe("HQ resampling of sines, end to end", () => {
  const EDGE = 600; // output samples skipped at each end (longer than the filter's half length)
  it.each([44100, 48000, 96000])("%i Hz -> 22050 Hz: pass-band sines keep amplitude and timing, stop-band sines vanish", (inHz) => {
    const n = Math.round(inHz * 0.4);
    const tone = (f: number): Float64Array => Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * f * i) / inHz));
    for (const f of [100, 1000, 5000, 9000, 10000]) {
      const y = resample(tone(f), inHz, 22050);
      const gainDb = 20 * Math.log10(fitAmplitude(y, f, 22050, EDGE, y.length - EDGE));
      expect(Math.abs(gainDb), `${f} Hz gain ${gainDb} dB`).toBeLessThanOrEqual(0.01);
      // Output sample m must be the sine at time m / 22050: no delay left, no misalignment.
      let worst = 0;
      for (let m = EDGE; m < y.length - EDGE; m++)
        worst = Math.max(worst, Math.abs((y[m] as number) - Math.sin((2 * Math.PI * f * m) / 22050)));
      expect(worst, `${f} Hz: max |y - sine at output times|`).toBeLessThan(2e-4);
    }
    for (const f of [11100, 12000, 15000, 20000]) {
      const y = resample(tone(f), inHz, 22050);
      let sumSq = 0;
      for (let m = EDGE; m < y.length - EDGE; m++) sumSq += (y[m] as number) ** 2;
      const leftDb = 20 * Math.log10(Math.sqrt((2 * sumSq) / (y.length - 2 * EDGE)));
      expect(leftDb, `${f} Hz leaks at ${leftDb.toFixed(1)} dB`).toBeLessThanOrEqual(-80);
    }
  });
});
