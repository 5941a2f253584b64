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

const CODE = `
import sys, json, numpy as np, scipy.signal as s
from math import gcd
d = json.load(sys.stdin)
b1 = np.array(${JSON.stringify(BS1770_TABLE_48K.shelf.slice(0, 3))}); a1 = np.array([1.0] + ${JSON.stringify(BS1770_TABLE_48K.shelf.slice(3))})
b2 = np.array(${JSON.stringify(BS1770_TABLE_48K.highPass.slice(0, 3))}); a2 = np.array([1.0] + ${JSON.stringify(BS1770_TABLE_48K.highPass.slice(3))})
out = []
for path, sr in zip(d["paths"], d["rates"]):
    x = np.fromfile(path, dtype=np.float32).astype(np.float64)
    g = gcd(48000, sr)
    y = s.resample_poly(x, 48000 // g, sr // g) if sr != 48000 else x
    y = s.lfilter(b2, a2, s.lfilter(b1, a1, y))
    blk, hop = 19200, 4800
    nb = (len(y) - blk) // hop + 1
    c = np.concatenate([[0.0], np.cumsum(y * y)])
    z = (c[np.arange(nb) * hop + blk] - c[np.arange(nb) * hop]) / blk
    with np.errstate(divide="ignore"):
        l = -0.691 + 10 * np.log10(z)
    ga = l > -70
    if not ga.any():
        out.append(None); continue
    gr = -0.691 + 10 * np.log10(np.mean(z[ga])) - 10
    keep = ga & (l > gr)
    out.append(float(-0.691 + 10 * np.log10(np.mean(z[keep]))))
print(json.dumps(out))
`;

/**
 * Integrated loudness of each mono signal, LUFS (null when all blocks are gated); `sampleRateHz`
 * is one rate for all or one per signal.
 */
export function referenceLoudness(signals: readonly Float32Array[], sampleRateHz: number | readonly number[]): (number | null)[] {
  const dir = mkdtempSync(join(tmpdir(), "ts-bs1770-"));
  try {
    const paths = signals.map((x, i) => {
      const p = join(dir, `${i}.f32`);
      writeFileSync(p, Buffer.from(x.buffer, x.byteOffset, x.byteLength));
      return p;
    });
    return JSON.parse(runPython(CODE, JSON.stringify({ paths, rates: typeof sampleRateHz === "number" ? signals.map(() => sampleRateHz) : sampleRateHz }))) as (number | null)[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
