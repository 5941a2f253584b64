/**
 * An independent ITU-R BS.1770-4 integrated-loudness reference in NumPy/SciPy, for the mastering
 * tests: each signal is resampled to 48 kHz (scipy.signal.resample_poly) and filtered with the
 * K-weighting biquads exactly as tabulated in the standard (Annex 1, Tables 1 and 2, 48 kHz), then
 * mean squares over 400 ms blocks with 75 % overlap, the -70 LKFS absolute gate and the -10 LU
 * relative gate. It shares no code (and no coefficient derivation) with src/data/synth/loudness.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPython } from "./python.js";

/** The standard's 48 kHz K-weighting coefficients: [b0, b1, b2, a1, a2] per stage. */
export const BS1770_TABLE_48K = {
  shelf: [1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585],
  highPass: [1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621],
} as const;

/**
 * Python source defining `bs1770_lufs(x, sr)` (float64 array, rate in Hz → LUFS, or None when every
 * block is gated) and `load_f32(path)`; scripts that need more than loudness include it.
 */
export const BS1770_PY = `
import numpy as np, scipy.signal as s
from math import gcd
_b1 = np.array(${JSON.stringify(BS1770_TABLE_48K.shelf.slice(0, 3))}); _a1 = np.array([1.0] + ${JSON.stringify(BS1770_TABLE_48K.shelf.slice(3))})
_b2 = np.array(${JSON.stringify(BS1770_TABLE_48K.highPass.slice(0, 3))}); _a2 = np.array([1.0] + ${JSON.stringify(BS1770_TABLE_48K.highPass.slice(3))})
def load_f32(path):
    return np.fromfile(path, dtype=np.float32).astype(np.float64)
def bs1770_lufs(x, sr):
    g = gcd(48000, sr)
    y = s.resample_poly(x, 48000 // g, sr // g) if sr != 48000 else x
    y = s.lfilter(_b2, _a2, s.lfilter(_b1, _a1, y))
    blk, hop = 19200, 4800
    nb = (len(y) - blk) // hop + 1
    if nb <= 0:
        return None
    c = np.concatenate([[0.0], np.cumsum(y * y)])
    z = (c[np.arange(nb) * hop + blk] - c[np.arange(nb) * hop]) / blk
    with np.errstate(divide="ignore"):
        l = -0.691 + 10 * np.log10(z)
    ga = l > -70
    if not ga.any():
        return None
    gr = -0.691 + 10 * np.log10(np.mean(z[ga])) - 10
    keep = ga & (l > gr)
    return float(-0.691 + 10 * np.log10(np.mean(z[keep])))
`;

/** Writes each array as raw little-endian float32 into a temporary folder, runs `fn` with the paths, removes the folder. */
export function withF32Files<T>(arrays: readonly Float32Array[], fn: (paths: string[]) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "ts-f32-"));
  try {
    const paths = arrays.map((x, i) => {
      const p = join(dir, `${i}.f32`);
      writeFileSync(p, Buffer.from(x.buffer, x.byteOffset, x.byteLength));
      return p;
    });
    return fn(paths);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Integrated loudness of each mono signal, LUFS (null when all blocks are gated); `sampleRateHz`
 * is one rate for all or one per signal.
 */
export function referenceLoudness(signals: readonly Float32Array[], sampleRateHz: number | readonly number[]): (number | null)[] {
  const rates = typeof sampleRateHz === "number" ? signals.map(() => sampleRateHz) : sampleRateHz;
  const code = `${BS1770_PY}
import sys, json
d = json.load(sys.stdin)
print(json.dumps([bs1770_lufs(load_f32(p), r) for p, r in zip(d["paths"], d["rates"])]))
`;
  return withF32Files(signals, (paths) => JSON.parse(runPython(code, JSON.stringify({ paths, rates }))) as (number | null)[]);
}
