/**
 * Power -> decibels, librosa 0.10 `power_to_db(S, ref=1.0, amin=1e-10, top_db=80)`:
 *   dB = 10 log10(max(amin, S)) - 10 log10(max(amin, ref));  dB = max(dB, max(dB) - top_db)
 * where max(dB) is over the whole matrix converted, so the floor depends on what is passed in
 * (one 1 s window for model inputs, the whole track for `timbrescope mel`).
 *
 * Because log10 is monotonic, max(dB) = 10 log10(max(amin, max S)) - refDb; one pass finds max S,
 * a second writes the clipped values, with one log10 per element.
 */
import type { MelParams } from "./params.js";
import { DEFAULT_MEL_PARAMS } from "./params.js";

/** The dB settings of power_to_db, a subset of MelParams. */
export type DbParams = Pick<MelParams, "dbRef" | "dbAmin" | "topDb">;

/**
 * Converts power to dB with top_db clipping relative to the maximum of `power`.
 * @param power  power values (any layout; clipping uses the max over all of them)
 * @param p      dbRef (default 1), dbAmin (default 1e-10), topDb (default 80 dB; Infinity disables the clip)
 * @param out    optional destination of the same length (may be reused across calls)
 * @returns `out`, or a new Float32Array, in dB
 */
export function powerToDb(power: ArrayLike<number>, p?: DbParams): Float32Array;
export function powerToDb<T extends Float32Array | Float64Array>(power: ArrayLike<number>, p: DbParams, out: T): T;
export function powerToDb(power: ArrayLike<number>, p: DbParams = DEFAULT_MEL_PARAMS, out?: Float32Array | Float64Array): Float32Array | Float64Array {
  const n = power.length;
  const dst = out ?? new Float32Array(n);
  if (dst.length !== n) throw new RangeError(`powerToDb: out has ${dst.length} values, power has ${n}`);
  const amin = p.dbAmin;
  if (!(amin > 0)) throw new RangeError(`powerToDb: dbAmin must be > 0, got ${amin}`);
  if (!(p.topDb >= 0)) throw new RangeError(`powerToDb: topDb must be >= 0, got ${p.topDb}`);
  const refDb = 10 * Math.log10(Math.max(amin, Math.abs(p.dbRef)));
  let maxS = amin;
  for (let i = 0; i < n; i++) {
    const s = power[i] as number;
    if (s > maxS) maxS = s;
  }
  // top_db = Infinity keeps everything (librosa's top_db=None).
  const floorDb = p.topDb === Infinity ? -Infinity : 10 * Math.log10(maxS) - refDb - p.topDb;
  for (let i = 0; i < n; i++) {
    const s = power[i] as number;
    const d = 10 * Math.log10(s > amin ? s : amin) - refDb;
    dst[i] = d > floorDb ? d : floorDb;
  }
  return dst;
}
