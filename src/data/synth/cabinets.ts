/**
 * Real guitar-cabinet impulse responses for the amp model (effects.ts) under the `sampled`
 * realism element: Debian `guitarix-common` ships 90 mono 44.1 kHz IRs by David Fau Casquel
 * (BestPlugins, GPL-2+), 20 of amps with their cabinets (`amps/`) and 70 matched to the guitar
 * tones of well-known records (`bands/`); `greathall.wav` is a room, not a cabinet, and is not used.
 *
 * An IR is decoded at the stem rate, cut to {@link CABINET_IR_SEC} with a short fade (99.9 % of
 * every one of the 90 IRs' energy lies in its first 35 ms: measured with NumPy), scaled to unit
 * peak, and convolved by FFT overlap-add ({@link convolve}): against ~1,100 taps (22.05 kHz) that
 * is ~85 floating-point operations per sample instead of ~2,200 for direct convolution (a 3-minute
 * stem: ~1 s on the busy 2-core VM).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import FFT from "fft.js";
import { samplePeak } from "./mix.js";
import { decodeSample } from "./sample-sets.js";

/** Where guitarix-common installs its impulse responses. */
export const GUITARIX_IR_DIR = "/usr/share/gx_head/sounds";
/** Debian package of the IRs (error messages, metadata). */
export const GUITARIX_PKG = "guitarix-common";
/** IR licence and author, for the metadata. */
export const GUITARIX_IR_LICENCE = "GPL-2+ (David Fau Casquel, BestPlugins IRs in guitarix)";
/** Length an IR is cut to, seconds. */
export const CABINET_IR_SEC = 0.05;
/** Fade at the end of a cut IR, seconds. */
const IR_FADE_SEC = 0.005;

/** Ids (`amps/<name>`, `bands/<name>`, no extension) of the installed cabinet IRs, sorted. */
export function cabinetIds(root = GUITARIX_IR_DIR): string[] {
  const out: string[] = [];
  for (const sub of ["amps", "bands"]) {
    const dir = join(root, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.toLowerCase().endsWith(".wav")) out.push(`${sub}/${f.slice(0, -4)}`);
  }
  return out;
}

const irs = new Map<string, Float32Array>();

/** The IR `id` at `sampleRateHz`, cut, faded and peak-normalised (cached per process). */
export function cabinetIr(id: string, sampleRateHz: number, root = GUITARIX_IR_DIR): Float32Array {
  const key = `${sampleRateHz}|${root}|${id}`;
  const hit = irs.get(key);
  if (hit !== undefined) return hit;
  const x = decodeSample(join(root, `${id}.wav`), sampleRateHz);
  const n = Math.min(x.length, Math.round(CABINET_IR_SEC * sampleRateHz));
  const fade = Math.max(1, Math.round(IR_FADE_SEC * sampleRateHz));
  const ir = x.slice(0, n);
  if (x.length > n)
    for (let i = Math.max(0, n - fade); i < n; i++)
      ir[i] = (ir[i] as number) * 0.5 * (1 + Math.cos((Math.PI * (i - (n - fade) + 1)) / fade));
  const peak = samplePeak(ir);
  if (peak > 0) for (let i = 0; i < n; i++) ir[i] = (ir[i] as number) / peak;
  irs.set(key, ir);
  return ir;
}

/**
 * The first `x.length` samples of the linear convolution x * h (numpy.convolve(x, h)[:len(x)]):
 * the tail past the end of the stem is dropped, as a stem keeps its length. FFT overlap-add in
 * float64, blocks of nFft - h.length + 1 samples.
 */
export function convolve(x: Float32Array, h: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  if (h.length === 0 || x.length === 0) return out;
  let nFft = 256;
  while (nFft < 4 * h.length) nFft *= 2;
  const block = nFft - h.length + 1;
  const fft = new FFT(nFft);
  const frame = new Float64Array(nFft);
  const spec = fft.createComplexArray() as number[];
  const hSpec = fft.createComplexArray() as number[];
  const time = fft.createComplexArray() as number[];
  frame.set(h);
  fft.realTransform(hSpec, frame);
  fft.completeSpectrum(hSpec);
  const acc = new Float64Array(x.length + nFft);
  for (let start = 0; start < x.length; start += block) {
    frame.fill(0);
    const len = Math.min(block, x.length - start);
    for (let i = 0; i < len; i++) frame[i] = x[start + i] as number;
    fft.realTransform(spec, frame);
    fft.completeSpectrum(spec);
    for (let k = 0; k < nFft; k++) {
      const re = spec[2 * k] as number;
      const im = spec[2 * k + 1] as number;
      const hr = hSpec[2 * k] as number;
      const hi = hSpec[2 * k + 1] as number;
      spec[2 * k] = re * hr - im * hi;
      spec[2 * k + 1] = re * hi + im * hr;
    }
    fft.inverseTransform(time, spec);
    const used = Math.min(nFft, len + h.length - 1);
    for (let i = 0; i < used; i++) acc[start + i] = (acc[start + i] as number) + (time[2 * i] as number);
  }
  for (let i = 0; i < x.length; i++) out[i] = acc[i] as number;
  return out;
}
