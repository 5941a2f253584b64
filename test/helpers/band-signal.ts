/**
 * A deterministic stand-in for a band mix, for the mastering-chain tests: kick, snare, hi-hat, a
 * bass line and a chord pad, with a quiet intro and a silent gap (so BS.1770's gates have work to
 * do) and peaks well above the RMS (a drum crest factor). Plain float math, no src/ imports.
 */

/** Uniform noise in [-1, 1) from a 32-bit LCG. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(1664525, s) + 1013904223) >>> 0;
    return (2 * s) / 2 ** 32 - 1;
  };
}

/** `seconds` of the band at `sampleRateHz`, peak about 0.9. */
export function bandSignal(sampleRateHz: number, seconds: number, seed = 1): Float32Array {
  const n = Math.round(seconds * sampleRateHz);
  const x = new Float64Array(n);
  const noise = lcg(seed);
  const beat = 0.5; // s, 120 bpm
  const bassNotes = [55, 55, 73.4, 82.4];
  const chords = [
    [220, 277.2, 329.6],
    [196, 246.9, 293.7],
  ];
  for (let i = 0; i < n; i++) {
    const t = i / sampleRateHz;
    const tb = t % beat;
    const bar = Math.floor(t / (4 * beat));
    const kick = Math.sin(2 * Math.PI * (50 + 60 * Math.exp(-tb / 0.02)) * tb) * Math.exp(-tb / 0.12);
    const snareT = (t + beat) % (2 * beat);
    const snare = snareT < 0.25 ? noise() * Math.exp(-snareT / 0.06) * 0.7 : 0;
    const hatT = t % (beat / 2);
    const hat = hatT < 0.04 ? noise() * Math.exp(-hatT / 0.01) * 0.25 : 0;
    const f = bassNotes[Math.floor(t / beat) % bassNotes.length] as number;
    const bass = 0.35 * Math.tanh(3 * Math.sin(2 * Math.PI * f * t));
    let pad = 0;
    for (const fc of chords[bar % chords.length] as number[]) pad += 0.08 * Math.sin(2 * Math.PI * fc * t + fc);
    let v = 0.6 * kick + snare + hat + bass + pad;
    if (t < 2)
      v *= 0.03; // quiet intro, ~30 dB down
    else if (t >= seconds / 2 && t < seconds / 2 + 1) v = 0; // a silent second
    x[i] = v;
  }
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  return Float32Array.from(x, (v) => (0.9 * v) / peak);
}
